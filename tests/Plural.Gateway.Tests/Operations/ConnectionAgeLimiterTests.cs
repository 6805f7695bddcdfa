using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Agents;
using Plural.Gateway.Operations;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Operations;

/// <summary>Old agent connections are asked to reconnect so that a fleet spreads onto new gateways.</summary>
public sealed class ConnectionAgeLimiterTests
{
    // Checked every tenth of the limit, at most every 30 s: here every 30 s.
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(30);
    private readonly TimerAwareClock _clock = new();
    private readonly SessionRegistry _sessions = new();
    private readonly DrainOptions _options = new()
    {
        MaxConnectionAge = TimeSpan.FromMinutes(10),
        MaxConnectionAgeJitter = 0,
        ReadinessDelay = TimeSpan.FromMinutes(10),
        Timeout = TimeSpan.FromMinutes(10),
    };

    private readonly GatewayDrain _drain;

    public ConnectionAgeLimiterTests() =>
        _drain = TestDrains.Over(_sessions, new InFlightRequests(), _options);

    [Fact]
    public async Task Only_connections_older_than_the_limit_are_asked_to_reconnect_and_only_once()
    {
        var old = Open(age: TimeSpan.FromMinutes(11));
        var almost = Open(age: TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(15));
        var young = Open(age: TimeSpan.FromMinutes(1));
        using var limiter = Limiter();
        await limiter.StartAsync(CancellationToken.None);
        await _clock.TimerCreated;

        _clock.Advance(Check);
        var first = (await old.ReceiveAsync()).Reconnect;
        _clock.Advance(Check);
        await almost.ReceiveAsync();
        await limiter.StopAsync(CancellationToken.None);

        Assert.Equal("connection age limit", first.Reason);
        Assert.Equal(0, first.DelayMs);
        Assert.Equal(0, old.SentCount);
        Assert.Equal(0, young.SentCount);
    }

    [Fact]
    public async Task A_draining_gateway_stops_asking()
    {
        var old = Open(age: TimeSpan.FromHours(1));
        using var limiter = Limiter();
        await limiter.StartAsync(CancellationToken.None);
        await _clock.TimerCreated;
        _ = _drain.StoppingAsync(CancellationToken.None);

        _clock.Advance(Check);

        await limiter.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, old.SentCount);
    }

    [Fact]
    public async Task A_zero_age_limit_turns_the_limiter_off()
    {
        _options.MaxConnectionAge = TimeSpan.Zero;
        using var limiter = Limiter();

        await limiter.StartAsync(CancellationToken.None);

        await limiter.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(_clock.TimerCreated.IsCompleted);
    }

    private RecordingSession Open(TimeSpan age) =>
        RecordingSession.Open(_sessions, "agent-" + age.TotalSeconds, _clock.GetUtcNow() - age);

    private ConnectionAgeLimiter Limiter() =>
        new(_sessions, _drain, Options.Create(_options), _clock, NullLogger<ConnectionAgeLimiter>.Instance);

    /// <summary>
    /// A fake clock that tells when the limiter's timer exists: a background service starts on another thread, and
    /// moving the clock before its timer is made would skip the tick.
    /// </summary>
    private sealed class TimerAwareClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _created.TrySetResult();
            return timer;
        }
    }
}
