using Plural.AgentK.Upstream;

namespace Plural.AgentK.Tests.Upstream;

public sealed class HopByHopHeadersTests
{
    private static readonly IReadOnlySet<string> NoTokens = new HashSet<string>();

    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Proxy-Connection")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Upgrade")]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("Host")]
    [InlineData(":authority")]
    public void Request_header_is_not_forwarded(string name) =>
        Assert.False(HopByHopHeaders.ForwardRequestHeader(name, upgrade: false, NoTokens));

    [Theory]
    [InlineData("Accept")]
    [InlineData("Content-Type")]
    [InlineData("Impersonate-User")]
    [InlineData("X-Request-Id")]
    public void Request_header_is_forwarded(string name) =>
        Assert.True(HopByHopHeaders.ForwardRequestHeader(name, upgrade: false, NoTokens));

    [Fact]
    public void Upgrade_keeps_Upgrade_and_Connection()
    {
        Assert.True(HopByHopHeaders.ForwardRequestHeader("Upgrade", upgrade: true, NoTokens));
        Assert.True(HopByHopHeaders.ForwardRequestHeader("Connection", upgrade: true, NoTokens));
    }

    [Fact]
    public void Headers_named_in_Connection_are_hop_by_hop()
    {
        var tokens = HopByHopHeaders.ConnectionTokens(["close, X-Private"]);

        Assert.False(HopByHopHeaders.ForwardResponseHeader("x-private", upgrade: false, tokens));
        Assert.True(HopByHopHeaders.ForwardResponseHeader("Content-Length", upgrade: false, tokens));
        Assert.True(HopByHopHeaders.ForwardResponseHeader("Set-Cookie", upgrade: false, tokens));
    }
}
