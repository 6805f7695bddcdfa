using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Plural.AgentK.Transport;
using Plural.Protocol.Agent;

using Plural.Protocol.Hosting;

namespace Plural.AgentK.Session;

/// <summary>
/// The control stream of one gateway connection: hello up, welcome down, heartbeats up at the
/// gateway's pace, until the gateway asks the agent to move, the stream fails, or the agent stops.
/// </summary>
internal sealed class AgentSession(GatewayOptions options, GatewayCredentials credentials, ILogger logger, SessionFeatures? features = null)
{
    private readonly SessionFeatures _features = features ?? SessionFeatures.None;

    /// <summary>The feature this agent build implements; the gateway sends no other work.</summary>
    public const string HttpTunnelCapability = "tunnel.http.v1";

    private static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(10);

    // A gateway that accepts the call but never welcomes is as broken as one that refuses it.
    private static readonly TimeSpan WelcomeTimeout = TimeSpan.FromSeconds(30);

    // After the agent half-closes, the gateway is expected to end the session promptly.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    public async Task<SessionOutcome> RunAsync(
        AgentGateway.AgentGatewayClient client,
        Action<Welcome> welcomed,
        Func<(int Idle, int Active)> tunnelCounts,
        Action<int> tunnelsWanted,
        CancellationToken stopping)
    {
        var healthySince = (long?)null;
        TimeSpan Healthy() => healthySince is { } since ? Stopwatch.GetElapsedTime(since) : TimeSpan.Zero;

        using var call = client.Session(credentials.CreateCallHeaders(), cancellationToken: CancellationToken.None);
        Task<SessionOutcome>? reading = null;
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage
            {
                Hello = new Hello { AgentVersion = BuildVersion.Current, InstanceId = options.InstanceId, Capabilities = { HttpTunnelCapability, TunnelsWanted.OnDemandCapability, _features.Capabilities } },
            }, stopping);

            using var welcomeWait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            welcomeWait.CancelAfter(WelcomeTimeout);
            bool answered;
            try
            {
                answered = await call.ResponseStream.MoveNext(welcomeWait.Token);
            }
            catch (Exception) when (welcomeWait.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                throw new SessionProtocolException($"the gateway did not welcome the agent within {WelcomeTimeout.TotalSeconds} s");
            }

            if (!answered)
            {
                throw new SessionProtocolException("the gateway ended the session before welcoming the agent");
            }

            if (call.ResponseStream.Current.KindCase != GatewayMessage.KindOneofCase.Welcome)
            {
                throw new SessionProtocolException($"the gateway sent {call.ResponseStream.Current.KindCase} before welcome");
            }

            var welcome = call.ResponseStream.Current.Welcome;
            healthySince = Stopwatch.GetTimestamp();
            welcomed(welcome);

            using var heartbeatStop = new CancellationTokenSource();
            // Reports go up only when the gateway said it takes them; an older gateway would end the session.
            var accepted = welcome.AcceptedCapabilities.ToHashSet(StringComparer.Ordinal);
            var writer = new SessionWriter(call.RequestStream, accepted);
            var interval = welcome.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(welcome.HeartbeatIntervalMs) : DefaultHeartbeatInterval;
            var heartbeats = SendHeartbeatsAsync(writer, interval, tunnelCounts, _features, heartbeatStop.Token);
            List<Task> uplinks = [heartbeats, .. _features.Reporters
                .Where(r => accepted.Contains(r.Capability!))
                .Select(r => RunReporterAsync(r, writer, heartbeatStop.Token))];
            reading = ReadCommandsAsync(call.ResponseStream, tunnelsWanted, Healthy);
            var stopped = Task.Delay(Timeout.Infinite, stopping);

            var first = await Task.WhenAny([reading, stopped, .. uplinks]);
            heartbeatStop.Cancel();
            // A write stuck on a dead connection must not hold the session open; disposing the call ends it.
            await SettleAsync(Task.WhenAll(uplinks), CloseTimeout);

            SessionOutcome outcome;
            if (first == reading)
            {
                outcome = await reading;
            }
            else if (first != stopped && first.Exception?.InnerException is { } failure)
            {
                outcome = SessionOutcome.Failed(failure, Healthy());
            }
            else
            {
                outcome = SessionOutcome.Stopped(Healthy());
            }

            await CloseAsync(call, reading);
            return outcome;
        }
        catch (Exception exception) when (exception is OperationCanceledException && stopping.IsCancellationRequested)
        {
            return SessionOutcome.Stopped(Healthy());
        }
        catch (Exception exception) when (exception is RpcException or IOException or InvalidOperationException or SessionProtocolException)
        {
            return SessionOutcome.Failed(exception, Healthy());
        }
        finally
        {
            if (reading is not null)
            {
                _ = reading.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
        }
    }

    private async Task<SessionOutcome> ReadCommandsAsync(IAsyncStreamReader<GatewayMessage> commands, Action<int> tunnelsWanted, Func<TimeSpan> healthy)
    {
        while (await commands.MoveNext(CancellationToken.None))
        {
            var command = commands.Current;
            if (command.KindCase == GatewayMessage.KindOneofCase.Reconnect)
            {
                SessionLog.ReconnectRequested(logger, command.Reconnect.Reason, command.Reconnect.DelayMs);
                return SessionOutcome.Reconnect(command.Reconnect.Reason, TimeSpan.FromMilliseconds(Math.Max(0, command.Reconnect.DelayMs)), healthy());
            }

            if (command.KindCase == GatewayMessage.KindOneofCase.TunnelsWanted)
            {
                tunnelsWanted(command.TunnelsWanted.Count);
                continue;
            }

            if (_features.Handlers.TryGetValue(command.KindCase, out var handler))
            {
                handler.Handle(command);
            }

            // Commands this build does not know are ignored, so a newer gateway can talk to an older agent.
        }

        return SessionOutcome.Failed(new SessionProtocolException("the gateway ended the session"), healthy());
    }

    private static async Task SendHeartbeatsAsync(
        SessionWriter session,
        TimeSpan interval,
        Func<(int Idle, int Active)> tunnelCounts,
        SessionFeatures features,
        CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stop))
        {
            var (idle, active) = tunnelCounts();
            var heartbeat = new Heartbeat { IdleTunnels = idle, ActiveTunnels = active, Conditions = { features.Conditions() } };
            await session.WriteAsync(new AgentMessage { Heartbeat = heartbeat }, stop);
        }
    }

    /// <summary>Runs a reporter for the session; a reporter that gives up while the session lives is a failure.</summary>
    private static async Task RunReporterAsync(ISessionReporter reporter, SessionWriter writer, CancellationToken sessionEnded)
    {
        await reporter.RunAsync(writer, sessionEnded);
        sessionEnded.ThrowIfCancellationRequested();
        throw new InvalidOperationException($"the {reporter.Capability} reporter stopped while the session was open");
    }

    /// <summary>Waits for a task to finish without observing how; the caller reads its outcome from the task.</summary>
    private static async Task SettleAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
        }
    }

    /// <summary>Half-closes the session and gives the gateway a moment to end it cleanly.</summary>
    private static async Task CloseAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> call, Task reading)
    {
        try
        {
            await call.RequestStream.CompleteAsync();
            await reading.WaitAsync(CloseTimeout);
        }
        catch (Exception exception) when (exception is RpcException or IOException or InvalidOperationException or TimeoutException or OperationCanceledException or SessionProtocolException)
        {
        }
    }
}
