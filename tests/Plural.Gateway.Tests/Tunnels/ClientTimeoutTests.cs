using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Tests.Tunnels;

public sealed class ClientTimeoutTests
{
    [Theory]
    [InlineData("32s", 32_000)]
    [InlineData("1m0s", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData("2000us", 2)]
    [InlineData("3000000ns", 3)]
    public void Go_durations_as_kubectl_sends_them_are_read(string text, double milliseconds)
    {
        Assert.True(ClientTimeout.TryParseGoDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("32")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("1m-3s")]
    [InlineData("99999999999999h")]
    public void Malformed_durations_are_not_read(string text) =>
        Assert.False(ClientTimeout.TryParseGoDuration(text, out _));

    [Theory]
    [InlineData(null, 20_000)] // no client timeout: the configured wait
    [InlineData(3_000, 2_000)] // answer a margin before the client gives up
    [InlineData(32_000, 20_000)] // the configured wait is shorter
    [InlineData(1_000, 500)] // never more than half the client's time early
    public void The_wait_for_a_tunnel_ends_before_the_clients_timeout(int? clientMilliseconds, int expectedMilliseconds)
    {
        var client = clientMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;

        var wait = ClientTimeout.Wait(TimeSpan.FromSeconds(20), client, TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), wait);
    }
}
