using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Agents;

/// <summary>The gRPC service agents dial: their session stream and their tunnel slots.</summary>
// Tunnel body frames are received into pooled memory; the wire format is the generated one.
[BindServiceMethod(typeof(AgentGateway), nameof(AgentGateway.BindServiceWithPooledBodies))]
internal sealed partial class AgentGatewayService(
    AgentAuthenticator authenticator,
    SessionRegistry sessions,
    LeaseKeeper leases,
    TokenSessionCloser closer,
    TunnelRegistry tunnels,
    GatewayIdentity gateway,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    ClusterReportPublisher cluster,
    AgentConfigFeed gitops,
    LeadershipReceiver leadership,
    ILogger<AgentGatewayService> logger,
    SessionAttemptLimiter sessionAttempts,
    AgentTunnelLimiter tunnelLimit,
    TunnelDemand demand,
    IOptions<TunnelOptions> tunnelOptions) : AgentGateway.AgentGatewayBase
{
    /// <inheritdoc />
    public override async Task Session(IAsyncStreamReader<AgentMessage> requestStream,
        IServerStreamWriter<GatewayMessage> responseStream, ServerCallContext context)
    {
        var identity = await authenticator.AuthenticateAsync(context);
        if (!sessionAttempts.TryAttempt(identity.TokenId))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                "too many session attempts with this agent token in the last minute; retry later"));
        }

        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct))
        {
            return;
        }

        if (requestStream.Current.KindCase != AgentMessage.KindOneofCase.Hello)
        {
            throw Violation($"the first session message must be 'hello', got '{requestStream.Current.KindCase}'");
        }

        using var session = new AgentSession(identity, requestStream.Current.Hello, clock.GetUtcNow(), responseStream, ct);
        if (await leases.RenewAsync(session) != LeaseDecision.Accepted)
        {
            throw new RpcException(session.CloseStatus!.Value);
        }

        sessions.Add(session)?.Close(new Status(StatusCode.Aborted, "replaced by a newer session of the same agent process"));
        using var expiry = closer.CloseAtExpiry(session);
        LogSessionOpened(logger, identity.AgentName, session.InstanceId, session.AgentVersion);
        try
        {
            var onDemand = tunnelOptions.Value.OnDemand && session.Capabilities.Contains(TunnelsWanted.OnDemandCapability);
            await session.SendAsync(new GatewayMessage
            {
                Welcome = new Welcome
                {
                    AgentId = identity.AgentName,
                    GatewayId = gateway.Id,
                    HeartbeatIntervalMs = (int)options.Value.HeartbeatInterval.TotalMilliseconds,
                    AcceptedCapabilities =
                    {
                        ClusterReportPublisher.AcceptedCapabilities.Concat(AgentConfigFeed.AcceptedCapabilities).Concat(LeadershipReceiver.AcceptedCapabilities)
                            .Intersect(session.Capabilities),
                        onDemand ? [TunnelsWanted.OnDemandCapability] : [],
                    },
                },
            }, ct);
            using var asked = onDemand ? demand.Register(identity.AgentName, askCt => session.SendAsync(WantOne, askCt)) : null;
            // After the welcome, as the protocol promises: the configuration in force and every sync target.
            await using var feed = await gitops.StartAsync(session, ct);
            await ReadHeartbeatsAsync(requestStream, session, cluster, gitops, leadership);
        }
        catch (OperationCanceledException) when (session.CloseStatus is { } closed && !ct.IsCancellationRequested)
        {
            throw new RpcException(closed);
        }
        finally
        {
            if (sessions.Remove(session))
            {
                await leases.DropAsync(session);
            }

            LogSessionClosed(logger, identity.AgentName, session.InstanceId);
        }
    }

    private static readonly GatewayMessage WantOne = new() { TunnelsWanted = new TunnelsWanted { Count = 1 } };

    // How long a tunnel call that is over waits for the agent to end its side (see ServeTunnelAsync).
    private static readonly TimeSpan PendingReadTimeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public override async Task Connect(IAsyncStreamReader<TunnelUp> requestStream,
        IServerStreamWriter<TunnelDown> responseStream, ServerCallContext context)
    {
        var identity = await authenticator.AuthenticateAsync(context);
        if (!tunnelLimit.TryOpen(identity.AgentName))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"agent \"{identity.AgentName}\" holds the most tunnels this gateway allows"));
        }

        try
        {
            await ServeTunnelAsync(identity, requestStream, responseStream, context);
        }
        finally
        {
            tunnelLimit.Close(identity.AgentName);
        }
    }

    private async Task ServeTunnelAsync(AgentIdentity identity, IAsyncStreamReader<TunnelUp> requestStream,
        IServerStreamWriter<TunnelDown> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct))
        {
            return;
        }

        if (requestStream.Current.FrameCase != TunnelUp.FrameOneofCase.Ready)
        {
            throw Violation($"the first tunnel frame must be 'ready', got '{requestStream.Current.FrameCase}'");
        }

        var ready = requestStream.Current.Ready;
        var tunnel = new AgentTunnel(identity, ready.InstanceId, requestStream, responseStream, ct,
            reusable: ready.Capabilities.Contains(TunnelReady.ReuseCapability));
        tunnels.Offer(tunnel);
        while (true)
        {
            await Task.WhenAny(tunnel.NextFrame, tunnel.WhenClaimed, tunnel.Released);
            if (tunnel.TryRetire())
            {
                tunnels.Remove(tunnel);
                await EndIdleTunnelAsync(tunnel);
                return;
            }

            // A failed exchange ends the call with its status at once; the agent is told why rather than reset.
            if (!await tunnel.Released.WaitAsync(ct))
            {
                break;
            }

            // The request ended cleanly on both sides of a reusable stream: the same call carries the next one, with
            // no new call, token check or replacement stream.
            if (tunnels.TryReturn(tunnel) is { } retired)
            {
                throw retired;
            }
        }

        // Kestrel reuses the HTTP/2 stream of a call that ended cleanly, and a read still pending on it would take
        // frames of a later call. The agent ends its side right after its last frame, so the wait is short; a
        // stream still being read after it is reset, which keeps it from being reused.
        if (!await tunnel.ReadingEndedAsync(PendingReadTimeout))
        {
            context.GetHttpContext().Abort();
        }
    }

    private static async Task ReadHeartbeatsAsync(IAsyncStreamReader<AgentMessage> requestStream, AgentSession session,
        ClusterReportPublisher cluster, AgentConfigFeed gitops, LeadershipReceiver leadership)
    {
        var agentId = session.Identity.AgentName;
        var events = session.Capabilities.Contains(ClusterReportPublisher.EventsCapability);
        var views = session.Capabilities.Contains(ClusterReportPublisher.ViewsCapability);
        var config = session.Capabilities.Contains(AgentConfigFeed.ConfigCapability);
        var syncs = session.Capabilities.Contains(AgentConfigFeed.GitOpsCapability);
        var elects = session.Elects;
        while (await requestStream.MoveNext(session.Closed))
        {
            switch (requestStream.Current.KindCase)
            {
                case AgentMessage.KindOneofCase.Heartbeat:
                    session.OnHeartbeat(requestStream.Current.Heartbeat);
                    break;
                // Reports are awaited in order: a slow stream holds back this agent's session, nobody else's.
                // A replica that no longer leads may still have had a batch on the wire; it is not the agent's word.
                case AgentMessage.KindOneofCase.ClusterEvents when events:
                    if (session.MayReport) await Report(() => cluster.PublishEventsAsync(agentId, requestStream.Current.ClusterEvents, session.Closed));
                    break;
                case AgentMessage.KindOneofCase.ClusterView when views:
                    if (session.MayReport) await Report(() => cluster.PublishViewAsync(agentId, requestStream.Current.ClusterView));
                    break;
                case AgentMessage.KindOneofCase.Leadership when elects:
                    await leadership.ReceiveAsync(session, requestStream.Current.Leadership, session.Closed);
                    break;
                case AgentMessage.KindOneofCase.ManifestSyncReport when syncs:
                    await Report(() => gitops.ReportSyncAsync(agentId, requestStream.Current.ManifestSyncReport));
                    break;
                case AgentMessage.KindOneofCase.ConfigApplied when config:
                    await Report(() => gitops.ReportAppliedAsync(agentId, requestStream.Current.ConfigApplied));
                    break;
                default:
                    throw Violation($"unexpected '{requestStream.Current.KindCase}' message on an established session");
            }
        }
    }

    private static async Task Report(Func<Task> publish)
    {
        try
        {
            await publish();
        }
        catch (ArgumentException malformed)
        {
            throw Violation(malformed.Message);
        }
    }

    private static async Task EndIdleTunnelAsync(AgentTunnel tunnel)
    {
        if (tunnel.Released.IsCompleted)
        {
            await tunnel.Released;
            return;
        }

        bool hasFrame;
        try
        {
            hasFrame = await tunnel.NextFrame;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or RpcException)
        {
            return;
        }

        if (hasFrame)
        {
            throw Violation("the agent sent a frame on an idle tunnel before any request");
        }
    }

    private static RpcException Violation(string detail) =>
        new(new Status(StatusCode.InvalidArgument, "protocol violation: " + detail));

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Agent {AgentName} connected (instance {InstanceId}, version {AgentVersion})")]
    private static partial void LogSessionOpened(ILogger logger, string agentName, string instanceId, string agentVersion);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Agent {AgentName} session ended (instance {InstanceId})")]
    private static partial void LogSessionClosed(ILogger logger, string agentName, string instanceId);
}
