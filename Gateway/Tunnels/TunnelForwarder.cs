using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Sends an HTTP request to an agent through one of the agent's tunnels on this gateway, or through the peer
/// gateway the agent is connected to. The common case (an idle tunnel is parked here) costs no grain call at all.
/// </summary>
internal sealed partial class TunnelForwarder(
    TunnelRegistry registry,
    PeerGatewayForwarder peers,
    IGrainFactory grains,
    IOptions<TunnelOptions> options,
    AgentTunnelLimiter openTunnels,
    ILogger<TunnelForwarder> logger)
{
    /// <summary>Tunnels a request may be handed to when the agent closes the one it got before taking the request.</summary>
    internal const int MaxTunnelAttempts = 3;

    /// <summary>Forwards the current request along <paramref name="route"/> and streams the answer back.</summary>
    public async Task ForwardAsync(HttpContext context, TunnelRoute route)
    {
        var settings = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        }

        // Only the wait for a tunnel is bounded by the client's timeout: once a stream's answer flows, nothing here cuts it.
        var wait = ClientTimeout.Wait(settings.WaitTimeout, ClientTimeout.Of(context.Request), settings.ClientTimeoutMargin);
        var repeating = false;
        for (var attempt = 1; ; attempt++)
        {
            // A read repeated because its agent went away takes a tunnel that is there now (another replica's, here or
            // on a peer) or fails as the first attempt did; it never waits for the dead agent to come back.
            var location = await LocateAsync(route.AgentName, allowPeer: !PeerGatewayForwarder.IsForwarded(context.Request),
                repeating ? TimeSpan.Zero : wait, context.RequestAborted);
            if (location.Peer is { } peer)
            {
                await peers.ForwardAsync(context, route, peer);
                return;
            }

            if (location.Tunnel is not { } tunnel)
            {
                if (repeating)
                {
                    await TunnelExchange.WriteLostAsync(context.Response, route.AgentName);
                    return;
                }

                var failure = location.Failure!;
                await KubernetesStatus.WriteAsync(context.Response, failure.HttpStatus, failure.Reason, failure.Message, context.RequestAborted);
                return;
            }

            LogForwarding(logger, context.Request.Method, route.AgentName, context.TraceIdentifier);
            var exchange = new TunnelExchange(context, tunnel, settings.ChunkSize, logger);
            if (await exchange.RunAsync(route, mayRetry: attempt < MaxTunnelAttempts))
            {
                return;
            }

            repeating |= exchange.LostAgent;
        }
    }

    /// <summary>
    /// Finds a way to <paramref name="agentName"/>: an idle local tunnel (claimed for the caller), else a peer
    /// gateway holding the agent when <paramref name="allowPeer"/>, else a local tunnel that frees up within
    /// <paramref name="wait"/> (the configured wait timeout when null).
    /// </summary>
    public async Task<TunnelLocation> LocateAsync(string agentName, bool allowPeer, TimeSpan? wait, CancellationToken ct)
    {
        if (registry.TryTake(agentName) is { } idle)
        {
            return new TunnelLocation(idle, null, null);
        }

        // Every stream the agent holds here is busy: one usually frees up within moments (a reusable stream takes the
        // next request as soon as it has answered; an older agent opens a replacement), so a short wait for it spares
        // the grain call below, which otherwise every request arriving in a burst would make.
        var localWait = options.Value.LocalWait;
        if (localWait > TimeSpan.Zero && openTunnels.Open(agentName) > 0
            && await registry.AcquireAsync(agentName, wait is { } w && w < localWait ? w : localWait, ct) is { } freedSoon)
        {
            return new TunnelLocation(freedSoon, null, null);
        }

        // Slow path: one grain call tells whether the agent exists and where else it is connected.
        var agent = grains.GetGrain<IAgentGrain>(agentName);
        var snapshot = await agent.Get();
        if (snapshot is null)
        {
            return new TunnelLocation(null, null, TunnelUnavailable.NotFound(agentName));
        }

        if (allowPeer && peers.PickPeer(snapshot.Status.Leases) is { } peer)
        {
            return new TunnelLocation(null, peer, null);
        }

        var timeout = wait ?? options.Value.WaitTimeout;
        if (await registry.AcquireAsync(agentName, timeout, ct) is { } freed)
        {
            return new TunnelLocation(freed, null, null);
        }

        var status = (await agent.Get())?.Status;
        if (status is { Connected: true })
        {
            return new TunnelLocation(null, null, new TunnelUnavailable(StatusCodes.Status504GatewayTimeout, "Timeout",
                $"agent \"{agentName}\" is connected but no tunnel became free within {timeout.TotalSeconds:0.#}s"));
        }

        return new TunnelLocation(null, null, TunnelUnavailable.NotConnected(agentName, status?.LastSeen));
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Forwarding {Method} to agent {AgentName} as request {RequestId}")]
    private static partial void LogForwarding(ILogger logger, string method, string agentName, string requestId);
}
