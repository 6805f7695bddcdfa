using Plural.AgentK.Transport;

namespace Plural.AgentK.Tests.Transport;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Backoff_grows_by_the_factor_up_to_the_maximum_and_resets()
    {
        var backoff = new ReconnectBackoff(new ReconnectOptions { Jitter = 0 });

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.Next().TotalSeconds).ToArray();
        Assert.Equal([1, 1.6, 2.56, 4.096, 6.5536, 10.48576, 16.777216, 20, 20], delays.Select(d => Math.Round(d, 6)));

        backoff.ResetIfHealthyFor(TimeSpan.FromSeconds(24));
        Assert.Equal(20, backoff.Next().TotalSeconds);
        backoff.ResetIfHealthyFor(TimeSpan.FromSeconds(25));
        Assert.Equal(1, backoff.Next().TotalSeconds);
    }

    [Fact]
    public void Jitter_adds_at_most_its_fraction()
    {
        var backoff = new ReconnectBackoff(new ReconnectOptions(), new Random(7));

        for (var i = 0; i < 50; i++)
        {
            backoff.Reset();
            Assert.InRange(backoff.Next().TotalSeconds, 1, 1.2);
        }
    }
}
