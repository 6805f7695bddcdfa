using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;

namespace Plural.Gateway.Operations;

/// <summary>
/// Asks agents whose connection is older than <see cref="DrainOptions.MaxConnectionAge"/> (plus a per-connection
/// jitter) to reconnect, so that a fleet spreads onto gateways added since it connected.
/// </summary>
internal sealed partial class ConnectionAgeLimiter(
    SessionRegistry sessions,
    GatewayDrain drain,
    IOptions<DrainOptions> options,
    TimeProvider clock,
    ILogger<ConnectionAgeLimiter> logger) : BackgroundService
{
    private static readonly TimeSpan MaxCheckInterval = TimeSpan.FromSeconds(30);

    // Per session: its own limit, and whether it was asked already. Weak, so closed sessions leave by themselves.
    private readonly ConditionalWeakTable<AgentSession, SessionAge> _ages = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.MaxConnectionAge <= TimeSpan.Zero)
        {
            return;
        }

        var interval = TimeSpan.FromTicks(Math.Clamp(settings.MaxConnectionAge.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, MaxCheckInterval.Ticks));
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (drain.IsDraining)
            {
                return;
            }

            var now = clock.GetUtcNow();
            foreach (var session in sessions.All)
            {
                var age = _ages.GetValue(session, _ => new SessionAge(Limit(settings)));
                if (!age.Asked && now - session.ConnectedAt >= age.Limit)
                {
                    age.Asked = true;
                    LogTooOld(logger, session.Identity.AgentName, (now - session.ConnectedAt).TotalMinutes);
                    await drain.SendReconnectAsync(session, "connection age limit", TimeSpan.Zero, stoppingToken);
                }
            }
        }
    }

    private static TimeSpan Limit(DrainOptions settings)
    {
        var jitter = (Random.Shared.NextDouble() * 2 - 1) * settings.MaxConnectionAgeJitter;
        return settings.MaxConnectionAge * (1 + jitter);
    }

    private sealed class SessionAge(TimeSpan limit)
    {
        public TimeSpan Limit { get; } = limit;

        public bool Asked { get; set; }
    }

    [LoggerMessage(EventId = 4505, Level = LogLevel.Information, Message = "Asking agent {AgentName} to reconnect: connected for {Minutes:0.0} min")]
    private static partial void LogTooOld(ILogger logger, string agentName, double minutes);
}
