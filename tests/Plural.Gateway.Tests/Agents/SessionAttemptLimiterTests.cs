using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Agents;

namespace Plural.Gateway.Tests.Agents;

/// <summary>How many agent sessions one token may open per minute.</summary>
public sealed class SessionAttemptLimiterTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_token_may_open_the_configured_number_of_sessions_a_minute()
    {
        var limiter = Sessions(perMinute: 3);

        Assert.True(limiter.TryAttempt("token-1"));
        Assert.True(limiter.TryAttempt("token-1"));
        Assert.True(limiter.TryAttempt("token-1"));
        Assert.False(limiter.TryAttempt("token-1"));
        Assert.True(limiter.TryAttempt("token-2"));
    }

    [Fact]
    public void The_count_starts_again_a_minute_after_the_first_attempt_of_the_window()
    {
        var limiter = Sessions(perMinute: 1);
        Assert.True(limiter.TryAttempt("token-1"));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limiter.TryAttempt("token-1"));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAttempt("token-1"));
        Assert.False(limiter.TryAttempt("token-1"));
    }

    [Fact]
    public void Refused_attempts_count_too_so_a_hammering_token_stays_refused_for_the_window()
    {
        var limiter = Sessions(perMinute: 2);
        for (var i = 0; i < 10; i++)
        {
            limiter.TryAttempt("token-1");
        }

        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.False(limiter.TryAttempt("token-1"));
    }

    private SessionAttemptLimiter Sessions(int perMinute) =>
        new(Options.Create(new AgentLimitOptions { MaxSessionsPerTokenPerMinute = perMinute }), _clock);
}
