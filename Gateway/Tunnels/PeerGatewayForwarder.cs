using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Plural.Protocol.Agent;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Carries a request to the gateway an agent is connected to, when it is not connected here: one
/// private hop, found through the agent's leases, authenticated with a peer token for that one request. A forwarded
/// request is marked so the receiving gateway serves it locally and never forwards it again (no cycles).
/// </summary>
internal sealed partial class PeerGatewayForwarder(
    IHttpClientFactory clients,
    GatewayIdentity gateway,
    Peers.PeerCredentials credentials,
    ILogger<PeerGatewayForwarder> logger)
{
    /// <summary>
    /// The route prefix a gateway takes forwarded requests on (the agent proxy's, <c>/agents/{agent}/proxy/{path}</c>);
    /// the agent name follows.
    /// </summary>
    public const string AgentsPrefix = "/agents";

    /// <summary>Header naming the gateway that forwarded a request.</summary>
    public const string ForwardedByHeader = "X-Plural-Forwarded-By";

    /// <summary>
    /// Header on a gateway's refusal of a forwarded request it cannot serve (no tunnel of the agent there, or
    /// draining): the sender may take another route.
    /// </summary>
    public const string NotHereHeader = "X-Plural-Agent-Not-Here";

    /// <summary>Name of the HTTP client used for the hop.</summary>
    public const string ClientName = "peer-gateways";

    /// <summary>True when this request already crossed a gateway hop.</summary>
    public static bool IsForwarded(HttpRequest request) => request.Headers.ContainsKey(ForwardedByHeader);

    /// <summary>True when the request has no body, so a peer that did not take it can be replaced by another.</summary>
    public static bool IsSendableTwice(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };

    /// <summary>The lease of another gateway that can take the request, preferring the one with most idle tunnels.</summary>
    public TunnelLease? PickPeer(IReadOnlyList<TunnelLease> leases) =>
        leases.Where(l => l.GatewayId != gateway.Id).OrderByDescending(l => l.IdleTunnels).FirstOrDefault();

    /// <summary>
    /// Sends the current request to <paramref name="peer"/> and streams its answer back; returns true once the caller
    /// has its answer. False, with nothing sent to the caller, when <paramref name="mayReroute"/> and the peer could not
    /// take a request that is safe to send again: it answered that it cannot serve the agent, or could not be
    /// reached (it exited after a drain, or died). A request with a body is never sent twice.
    /// </summary>
    public async Task<bool> ForwardAsync(HttpContext context, TunnelRoute route, TunnelLease peer, bool mayReroute)
    {
        var ct = context.RequestAborted;
        var reroutable = mayReroute && IsSendableTwice(context);
        var agentName = route.AgentName;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } feature ? feature : null;
        var target = new Uri(new Uri(peer.GatewayAddress), $"{PeerGatewayForwarder.AgentsPrefix}/{agentName}/proxy{route.Path}{context.Request.QueryString}");
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (upgrade is not null)
        {
            // The switch of protocols is an HTTP/1.1 affair end to end.
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else
        {
            UseHttp2WherePossible(request);
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                request.Content = new StreamContent(context.Request.Body);
            }
        }

        var connectionListed = HttpHeaderFilter.ConnectionListed(context.Request.Headers);
        foreach (var (name, values) in context.Request.Headers)
        {
            var handshake = upgrade is not null && HttpHeaderFilter.IsUpgradeHeader(name);
            if (!handshake && (!HttpHeaderFilter.IsForwardable(name) || connectionListed.Contains(name)))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        credentials.Authorize(request.Headers, context.Request.Method, route);
        TunnelRouteHeaders.Write(route, request.Headers);
        LogForwarding(logger, agentName, peer.GatewayId);
        using var span = StartHopSpan(context.Request.Method, agentName, peer);
        if (span is not null)
        {
            TunnelTraceContext.Write(span, request.Headers);
        }

        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            span?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (reroutable && response.Headers.Contains(NotHereHeader))
            {
                LogRerouting(logger, agentName, peer.GatewayId, "it cannot serve the agent");
                return false;
            }

            if (upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                HttpHeaderFilter.CopyToSwitchingResponse(
                    response.Headers.Select(h => new HeaderField { Name = h.Key, Values = { h.Value } }), context.Response);
                await using var peerStream = await response.Content.ReadAsStreamAsync(ct);
                await using var callerStream = await upgrade.UpgradeAsync();
                await DuplexCopy.RunAsync(callerStream, peerStream, ct);
                return true;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            HttpHeaderFilter.CopyToResponse(response.Headers.Concat(response.Content.Headers), context.Response);

            await response.Content.CopyToAsync(context.Response.Body, ct);
            return true;
        }
        catch (Exception ex) when (IsBodyTooLarge(ex) && !context.Response.HasStarted)
        {
            // The caller's body broke the limit while it was being copied to the peer: the caller's fault, not the peer's.
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge",
                "request body is larger than the gateway accepts", CancellationToken.None);
            return true;
        }
        catch (HttpRequestException ex) when (reroutable && !ct.IsCancellationRequested && !context.Response.HasStarted
            && (ex.HttpRequestError == HttpRequestError.ConnectionError || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            // Refused connections never reached the peer; a read that broke off there is safe to send again.
            LogRerouting(logger, agentName, peer.GatewayId, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            LogPeerFailed(logger, peer.GatewayId, ex.Message);
            if (context.Response.HasStarted)
            {
                // Part of the answer is out (a watch, a log stream): only a broken connection tells the caller.
                context.Abort();
                return true;
            }

            await KubernetesStatus.BadGateway(context.Response,
                $"agent \"{agentName}\" is connected through gateway \"{peer.GatewayId}\", which could not be reached", ct);
            return true;
        }
    }

    /// <summary>The client span of the hop, a child of the request's server span; null when no spans are recorded.</summary>
    private Activity? StartHopSpan(string method, string agentName, TunnelLease peer)
    {
        var span = GatewayTracing.Source.StartActivity("peer-gateway " + method, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("http.request.method", method);
            span.SetTag(GatewayTracing.AgentAttribute, agentName);
            span.SetTag(GatewayTracing.GatewayAttribute, gateway.Id);
            span.SetTag(GatewayTracing.PeerGatewayAttribute, peer.GatewayId);
        }

        return span;
    }

    /// <summary>
    /// Lets the hop multiplex requests on HTTP/2 when the peer's listener offers it (TLS with ALPN); a clear-text
    /// listener serves both protocols on one port only for HTTP/1.1, so the request falls back to that.
    /// </summary>
    internal static void UseHttp2WherePossible(HttpRequestMessage request)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
    }

    private static bool IsBodyTooLarge(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Forwarding a request for agent {AgentName} to gateway {PeerGatewayId}")]
    private static partial void LogForwarding(ILogger logger, string agentName, string peerGatewayId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Gateway {PeerGatewayId} could not be reached: {Reason}")]
    private static partial void LogPeerFailed(ILogger logger, string peerGatewayId, string reason);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information,
        Message = "Gateway {PeerGatewayId} did not take a request for agent {AgentName} ({Reason}); trying another route")]
    private static partial void LogRerouting(ILogger logger, string agentName, string peerGatewayId, string reason);
}
