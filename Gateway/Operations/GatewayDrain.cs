using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;
using Plural.Gateway.Cable;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Operations;

/// <summary>
/// Empties the gateway before it exits (SIGTERM or <c>POST /admin/drain</c>): turns not-ready, stops taking new
/// agent streams, tells connected agents and <c>/cable</c> clients to reconnect (through the load balancer, so
/// elsewhere), waits for in-flight requests and sessions to end up to a deadline, then closes what is left, which
/// drops the leases.
/// Runs in <see cref="IHostedLifecycleService.StoppingAsync"/>, before Kestrel stops listening.
/// </summary>
internal sealed partial class GatewayDrain(
    SessionRegistry sessions,
    CableHub cable,
    InFlightRequests inFlight,
    ForwardedRequestIntake forwardedIntake,
    IOptions<DrainOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<GatewayDrain> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private volatile DrainPhase _phase = DrainPhase.Serving;

    /// <summary>The current phase.</summary>
    public DrainPhase Phase => _phase;

    /// <summary>True once the drain began: the gateway reports not ready.</summary>
    public bool IsDraining => _phase != DrainPhase.Serving;

    /// <summary>Starts a drain that ends with the process exiting; returns at once.</summary>
    public void Request()
    {
        LogRequested(logger);
        // The drain itself runs in StoppingAsync, the same path as SIGTERM.
        lifetime.StopApplication();
    }

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = TimeProvider.System.GetTimestamp();
        _phase = DrainPhase.Announced;
        // Peers' requests that find no idle tunnel go back to be routed elsewhere, rather than wait on agents that are leaving.
        forwardedIntake.Close();
        LogStarted(logger, sessions.All.Count, cable.ConnectionCount, inFlight.Count);
        if (sessions.All.Count > 0 || cable.ConnectionCount > 0)
        {
            // Nothing to hand over otherwise: a gateway without agents or subscribers stops at once.
            await DelayAsync(settings.ReadinessDelay, cancellationToken);
        }

        _phase = DrainPhase.HandingOver;
        // Subscribers leave by themselves once told, so their sockets never hold the drain to its deadline.
        var toldAgents = TellAgentsToReconnectAsync(settings.ReconnectSpread, cancellationToken);
        var toldSubscribers = cable.HandOverAsync(settings.ReconnectSpread, cancellationToken);
        var told = await toldAgents;
        await toldSubscribers;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(settings.Timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while ((sessions.All.Count > 0 || inFlight.Count > 0) && TimeProvider.System.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await DelayAsync(PollInterval, cancellationToken);
        }

        var leftSessions = sessions.All.Count;
        var leftRequests = inFlight.Count;
        if (leftSessions > 0)
        {
            // Ending the session drops its lease, so other gateways stop routing here at once.
            foreach (var session in sessions.All)
            {
                session.Close(new Status(StatusCode.Unavailable, "the gateway is shutting down; reconnect"));
            }

            var closeDeadline = TimeProvider.System.GetTimestamp() + (long)(CloseGrace.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (sessions.All.Count > 0 && TimeProvider.System.GetTimestamp() < closeDeadline && !cancellationToken.IsCancellationRequested)
            {
                await DelayAsync(PollInterval, cancellationToken);
            }
        }

        _phase = DrainPhase.Done;
        LogFinished(logger, TimeProvider.System.GetElapsedTime(started).TotalSeconds, told, leftSessions, leftRequests);
    }

    private async Task<int> TellAgentsToReconnectAsync(TimeSpan spread, CancellationToken ct)
    {
        var all = sessions.All.ToList();
        await Task.WhenAll(all.Select(session => SendReconnectAsync(session, "gateway draining", spread, ct)));
        return all.Count;
    }

    /// <summary>Asks one agent to reconnect after a random delay up to <paramref name="spread"/>; failures only mean the session is gone.</summary>
    internal async Task SendReconnectAsync(AgentSession session, string reason, TimeSpan spread, CancellationToken ct)
    {
        var delay = (int)(Random.Shared.NextDouble() * spread.TotalMilliseconds);
        try
        {
            await session.SendAsync(new GatewayMessage { Reconnect = new Reconnect { Reason = reason, DelayMs = delay } }, ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or RpcException)
        {
            LogReconnectNotSent(logger, session.Identity.AgentName, ex.GetType().Name);
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout is up: finish quickly.
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Drain requested by an admin call")]
    private static partial void LogRequested(ILogger logger);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Information,
        Message = "Draining: not ready any more; {Sessions} agent sessions, {CableConnections} cable connections and {Requests} requests in flight")]
    private static partial void LogStarted(ILogger logger, int sessions, int cableConnections, int requests);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Information,
        Message = "Drain finished in {Seconds:0.0} s: {Told} agents told to reconnect; {Sessions} sessions and {Requests} requests were still open at the deadline")]
    private static partial void LogFinished(ILogger logger, double seconds, int told, int sessions, int requests);

    [LoggerMessage(EventId = 4504, Level = LogLevel.Debug, Message = "Could not send reconnect to agent {AgentName} ({ErrorType}); its session is ending anyway")]
    private static partial void LogReconnectNotSent(ILogger logger, string agentName, string errorType);
}
