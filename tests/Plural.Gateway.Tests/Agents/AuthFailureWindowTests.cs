using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Agents;

namespace Plural.Gateway.Tests.Agents;

/// <summary>Failed agent authentications per remote address, in one-minute windows.</summary>
public sealed class AuthFailureWindowTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Failures_from_an_unknown_address_are_neither_counted_nor_blocked()
    {
        var limiter = new AuthFailureLimiter(Options.Create(new AgentAuthOptions { MaxFailuresPerMinute = 1 }), _clock);

        limiter.RecordFailure(null);
        limiter.RecordFailure(null);

        Assert.False(limiter.IsBlocked(null));
    }

    [Fact]
    public void An_address_blocked_in_one_window_starts_the_next_with_a_clean_slate()
    {
        var address = IPAddress.Parse("2001:db8::1");
        var limiter = new AuthFailureLimiter(Options.Create(new AgentAuthOptions { MaxFailuresPerMinute = 2 }), _clock);
        limiter.RecordFailure(address);
        limiter.RecordFailure(address);
        Assert.True(limiter.IsBlocked(address));

        _clock.Advance(TimeSpan.FromMinutes(1));
        limiter.RecordFailure(address);

        Assert.False(limiter.IsBlocked(address));
    }
}
