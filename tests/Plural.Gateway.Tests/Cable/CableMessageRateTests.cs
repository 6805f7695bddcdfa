using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Cable;

namespace Plural.Gateway.Tests.Cable;

/// <summary>The token bucket over one connection's commands.</summary>
public sealed class CableMessageRateTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_burst_is_allowed_at_once_and_the_next_command_is_refused()
    {
        var rate = new CableMessageRate(perSecond: 2, burst: 5, _clock);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(rate.TryTake()));
        Assert.False(rate.TryTake());
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate()
    {
        var rate = new CableMessageRate(perSecond: 2, burst: 5, _clock);
        while (rate.TryTake())
        {
        }

        _clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(rate.TryTake());

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(rate.TryTake());
        Assert.False(rate.TryTake());
    }

    [Fact]
    public void A_long_quiet_spell_refills_no_more_than_the_burst()
    {
        var rate = new CableMessageRate(perSecond: 10, burst: 3, _clock);

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => rate.TryTake()));
    }
}
