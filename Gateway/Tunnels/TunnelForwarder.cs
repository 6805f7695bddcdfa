using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Sends an HTTP request to an agent through one of the agent's tunnels on this gateway, or through the peer
/// gateway the agent is connected to. The common case (an idle tunnel is parked here) costs no grain call at all;
/// where the agent is connected otherwise comes from <see cref="AgentLocations"/>, which answers from memory while
/// the agent's grain is unreachable.
/// </summary>
internal sealed partial class TunnelForwarder(
    TunnelRegistry registry,
    PeerGatewayForwarder peers,
    AgentLocations locations,
    ForwardedRequestIntake intake,
    GatewayIdentity gateway,
    IOptions<TunnelOptions> options,
    AgentTunnelLimiter openTunnels,
    TunnelDemand demand,
    ILogger<TunnelForwarder> logger)
{
    /// <summary>Tunnels a request may be handed to when the agent closes the one it got before taking the request.</summary>
    internal const int MaxTunnelAttempts = 3;

    /// <summary>Peer gateways a request may be sent to, one after the other, when a peer cannot serve the agent.</summary>
    internal const int MaxPeerRoutes = 3;

    /// <summary>How often a request waiting for an agent that holds no tunnel here looks again for where it is.</summary>
    internal static readonly TimeSpan RelocateEvery = TimeSpan.FromSeconds(1);

    /// <summary>Forwards the current request along <paramref name="route"/> and streams the answer back.</summary>
    public async Task ForwardAsync(HttpContext context, TunnelRoute route)
    {
        var settings = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        }

        // Only the wait for a tunnel is bounded by the client's timeout: once a stream's answer flows, nothing here cuts it.
        // The wait is one budget for the whole request: a peer that held it and then sent it back used part of it.
        var wait = ClientTimeout.Wait(settings.WaitTimeout, ClientTimeout.Of(context.Request), settings.ClientTimeoutMargin);
        if (route.WaitBudget < wait)
        {
            wait = route.WaitBudget.Value;
        }

        var started = Stopwatch.GetTimestamp();
        var forwarded = PeerGatewayForwarder.IsForwarded(context.Request);
        var sendableTwice = PeerGatewayForwarder.IsSendableTwice(context);
        var repeating = false;
        var tunnelAttempt = 0;
        HashSet<string>? refusedBy = null;
        while (true)
        {
            // A read repeated because its agent went away takes a tunnel that is there now (another replica's, here or
            // on a peer) or fails as the first attempt did; it never waits for the dead agent to come back.
            var left = repeating ? TimeSpan.Zero : Remaining(wait, started);
            var location = await LocateAsync(route.AgentName, allowPeer: !forwarded, left, context.RequestAborted, refusedBy,
                guessPeers: sendableTwice);
            if (location.Peer is { } peer)
            {
                var mayReroute = (refusedBy?.Count ?? 0) < MaxPeerRoutes - 1;
                if (await peers.ForwardAsync(context, route with { WaitBudget = Remaining(wait, started) }, peer, mayReroute))
                {
                    return;
                }

                // The peer could not serve the agent (draining, gone, or the lease was stale) and nothing was sent yet.
                (refusedBy ??= new HashSet<string>(StringComparer.Ordinal)).Add(peer.GatewayId);
                continue;
            }

            if (location.Tunnel is not { } tunnel)
            {
                if (repeating)
                {
                    await TunnelExchange.WriteLostAsync(context.Response, route.AgentName);
                    return;
                }

                var failure = location.Failure!;
                if (failure.NotHere)
                {
                    // Set as the answer starts: writing the Status clears the headers set before.
                    context.Response.OnStarting(() =>
                    {
                        context.Response.Headers[PeerGatewayForwarder.NotHereHeader] = "1";
                        return Task.CompletedTask;
                    });
                }

                await KubernetesStatus.WriteAsync(context.Response, failure.HttpStatus, failure.Reason, failure.Message, context.RequestAborted);
                return;
            }

            LogForwarding(logger, context.Request.Method, route.AgentName, context.TraceIdentifier);
            var exchange = new TunnelExchange(context, tunnel, settings.ChunkSize, logger);
            if (await exchange.RunAsync(route, mayRetry: ++tunnelAttempt < MaxTunnelAttempts))
            {
                return;
            }

            repeating |= exchange.LostAgent;
        }
    }

    /// <summary>
    /// Finds a way to <paramref name="agentName"/>: an idle local tunnel (claimed for the caller), else a peer
    /// gateway holding the agent when <paramref name="allowPeer"/> (none of <paramref name="refusedBy"/>), else a local
    /// tunnel that frees up within <paramref name="wait"/> (the configured wait timeout when null). A request a peer
    /// forwarded here (<paramref name="allowPeer"/> false) never goes on to another gateway: it waits only for a tunnel
    /// this gateway holds (up to <see cref="TunnelOptions.ForwardedWait"/> for one to arrive when none is open), and is
    /// sent back at once when the gateway is draining. With <paramref name="guessPeers"/>
    /// (a request safe to send twice), a request whose agent has no known route is offered to the other gateways
    /// this one knows of, which serve it or refuse at once.
    /// </summary>
    public async Task<TunnelLocation> LocateAsync(string agentName, bool allowPeer, TimeSpan? wait, CancellationToken ct,
        IReadOnlySet<string>? refusedBy = null, bool guessPeers = false)
    {
        if (registry.TryTake(agentName) is { } idle)
        {
            return new TunnelLocation(idle, null, null);
        }

        var timeout = wait ?? options.Value.WaitTimeout;
        var openHere = openTunnels.Open(agentName) > 0;
        if (!openHere && demand.TryAsk(agentName))
        {
            // A quiet agent whose session is here holds no stream here: it opens one when asked.
            var demandWait = options.Value.DemandWait;
            if (await registry.AcquireAsync(agentName, timeout < demandWait ? timeout : demandWait, ct) is { } opened)
            {
                return new TunnelLocation(opened, null, null);
            }

            timeout -= timeout < demandWait ? timeout : demandWait;
        }

        if (!allowPeer)
        {
            if (!intake.IsOpen)
            {
                return new TunnelLocation(null, null, TunnelUnavailable.NotServedHere(agentName, gateway.Id));
            }

            // With no tunnel open here the agent may have just connected and be opening them; or its lease was stale.
            var hold = openHere || timeout < options.Value.ForwardedWait ? timeout : options.Value.ForwardedWait;
            if (await registry.AcquireAsync(agentName, hold, ct) is { } arrived)
            {
                return new TunnelLocation(arrived, null, null);
            }

            return new TunnelLocation(null, null, openHere ? NoTunnelFreed(agentName, timeout) : await RefuseForwardedAsync(agentName, ct));
        }

        // Every stream the agent holds here is busy: one usually frees up within moments (a reusable stream takes the
        // next request as soon as it has answered; an older agent opens a replacement), so a short wait for it spares
        // the lookup below, which otherwise every request arriving in a burst would make.
        var localWait = options.Value.LocalWait;
        if (localWait > TimeSpan.Zero && openHere
            && await registry.AcquireAsync(agentName, timeout < localWait ? timeout : localWait, ct) is { } freedSoon)
        {
            return new TunnelLocation(freedSoon, null, null);
        }

        // Slow path: where else the agent is connected, from memory when known; asked afresh after a peer refused.
        var rerouting = refusedBy is { Count: > 0 };
        AgentSnapshot? snapshot;
        TunnelLease? peer;
        try
        {
            snapshot = await locations.GetAsync(agentName, fresh: rerouting, ct);
            peer = snapshot is null ? null : PickPeer(agentName, snapshot, refusedBy);
            if (peer is null && !rerouting)
            {
                // What was known says there is no other route; the agent may have just connected elsewhere.
                snapshot = await locations.GetAsync(agentName, fresh: true, ct);
                peer = snapshot is null ? null : PickPeer(agentName, snapshot, refusedBy);
            }
        }
        catch (GrainReadUnavailableException) when (guessPeers && !openHere && peers.PickPeer(locations.KnownPeers(gateway.Id, refusedBy)) is { } guess)
        {
            // Where the agent is cannot be read (its grain's silo died) and was never known here: ask the other gateways,
            // each of which serves it or refuses at once.
            return new TunnelLocation(null, guess, null);
        }

        if (snapshot is null)
        {
            return new TunnelLocation(null, null, TunnelUnavailable.NotFound(agentName));
        }

        // No lease elsewhere, yet none here either: a grain re-activated after its silo died knows no leases until they
        // are renewed, so the other gateways are asked before the request waits here; never for an agent that left.
        peer ??= openHere || !guessPeers || !locations.MayHaveLostLeases(snapshot) ? null : peers.PickPeer(locations.KnownPeers(gateway.Id, refusedBy));
        if (peer is not null)
        {
            return new TunnelLocation(null, peer, null);
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            // An agent with tunnels here gets the whole wait for one; one without is located again every so often, as
            // its route can appear at any moment: a grain re-activated after its silo died learns the agent's leases
            // at their next renewal, and a request that waited out its timeout for a tunnel that never comes here
            // fails although the agent is connected elsewhere.
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            var here = openTunnels.Open(agentName) > 0;
            var slice = here || remaining < RelocateEvery ? remaining : RelocateEvery;
            if (await registry.AcquireAsync(agentName, slice > TimeSpan.Zero ? slice : TimeSpan.Zero, ct) is { } freed)
            {
                return new TunnelLocation(freed, null, null);
            }

            if (here || timeout - Stopwatch.GetElapsedTime(started) <= TimeSpan.Zero)
            {
                break;
            }

            if (await RelocateAsync(agentName, refusedBy, ct) is { } appeared)
            {
                return new TunnelLocation(null, appeared, null);
            }
        }

        var status = (await locations.GetAsync(agentName, fresh: true, ct))?.Status;
        return status is { Connected: true }
            ? new TunnelLocation(null, null, NoTunnelFreed(agentName, timeout))
            : new TunnelLocation(null, null, TunnelUnavailable.NotConnected(agentName, status?.LastSeen));
    }

    /// <summary>
    /// Why a request a peer forwarded here is sent back. The peer may have sent it on a memory of the agent's leases
    /// that was already stale; when it cannot send the request elsewhere (its body is spent) the caller reads this
    /// answer, so it says what is true now: the agent is not connected, with when it was last seen, or it is
    /// connected, only not here. One grain call, on a path a request reaches only after its forwarded wait.
    /// </summary>
    private async Task<TunnelUnavailable> RefuseForwardedAsync(string agentName, CancellationToken ct)
    {
        var refusal = TunnelUnavailable.NotServedHere(agentName, gateway.Id);
        try
        {
            var snapshot = await locations.GetAsync(agentName, fresh: true, ct);
            return snapshot switch
            {
                null => TunnelUnavailable.NotFound(agentName) with { NotHere = true },
                { Status.Connected: false } => TunnelUnavailable.NotConnected(agentName, snapshot.Status.LastSeen) with { NotHere = true },
                _ => refusal,
            };
        }
        catch (GrainReadUnavailableException)
        {
            return refusal;
        }
    }

    private async Task<TunnelLease?> RelocateAsync(string agentName, IReadOnlySet<string>? refusedBy, CancellationToken ct)
    {
        try
        {
            return await locations.GetAsync(agentName, fresh: true, ct) is { } snapshot ? PickPeer(agentName, snapshot, refusedBy) : null;
        }
        catch (GrainReadUnavailableException)
        {
            // Still unreadable: the wait goes on, and the next look may find the grain back.
            return null;
        }
    }

    private TunnelLease? PickPeer(string agentName, AgentSnapshot snapshot, IReadOnlySet<string>? refusedBy)
    {
        var routes = locations.Routes(agentName, snapshot);
        return peers.PickPeer(refusedBy is null ? routes : [.. routes.Where(l => !refusedBy.Contains(l.GatewayId))]);
    }

    private static TimeSpan Remaining(TimeSpan wait, long started)
    {
        var left = wait - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static TunnelUnavailable NoTunnelFreed(string agentName, TimeSpan timeout) =>
        new(StatusCodes.Status504GatewayTimeout, "Timeout",
            $"agent \"{agentName}\" is connected but no tunnel became free within {timeout.TotalSeconds:0.#}s");

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Forwarding {Method} to agent {AgentName} as request {RequestId}")]
    private static partial void LogForwarding(ILogger logger, string method, string agentName, string requestId);
}
