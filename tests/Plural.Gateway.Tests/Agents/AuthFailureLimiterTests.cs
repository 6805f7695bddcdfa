using System.Net;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;

namespace Plural.Gateway.Tests.Agents;

public sealed class AuthFailureLimiterTests
{
    private static readonly IPAddress Source = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void Address_is_blocked_after_the_limit_and_released_after_a_minute()
    {
        var clock = new ManualClock();
        var limiter = new AuthFailureLimiter(Options.Create(new AgentAuthOptions { MaxFailuresPerMinute = 3 }), clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.False(limiter.IsBlocked(Source));
            limiter.RecordFailure(Source);
        }

        Assert.True(limiter.IsBlocked(Source));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("203.0.113.8")));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(limiter.IsBlocked(Source));
    }
}
