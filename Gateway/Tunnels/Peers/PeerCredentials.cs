using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Protocol.Agent;
using Plural.Protocol.Peers;

namespace Plural.Gateway.Tunnels.Peers;

/// <summary>
/// Issues this gateway's peer tokens and checks the ones other gateways present. Without a peer secret (allowed only
/// with <c>Gateway:AllowInsecure</c>) nothing is issued and every forwarded request is refused.
/// </summary>
internal sealed class PeerCredentials
{
    private readonly byte[]? _secret;
    private readonly PeerOptions _options;
    private readonly GatewayIdentity _gateway;
    private readonly TimeProvider _clock;

    /// <summary>Reads the peer secret from configuration or its file.</summary>
    public PeerCredentials(IOptions<GatewayOptions> options, GatewayIdentity gateway, TimeProvider clock)
    {
        _options = options.Value.Peer;
        _gateway = gateway;
        _clock = clock;
        _secret = _options.ReadSecret();
    }

    /// <summary>Puts this gateway's name and a token for <paramref name="route"/> on a request to a peer.</summary>
    public void Authorize(HttpRequestHeaders headers, string method, TunnelRoute route)
    {
        headers.Add(PeerGatewayForwarder.ForwardedByHeader, _gateway.Id);
        if (_secret is null)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var token = PeerToken.Sign(_secret, Describe(_gateway.Id, method, route), now, now + _options.TokenLifetime);
        headers.Authorization = new AuthenticationHeaderValue(PeerToken.Scheme, token);
    }

    /// <summary>Null when <paramref name="request"/> carries a valid peer token for <paramref name="route"/>; else why not.</summary>
    public PeerRefusal? Check(HttpRequest request, TunnelRoute route)
    {
        if (_secret is null)
        {
            return new PeerRefusal(StatusCodes.Status401Unauthorized, "this gateway has no peer secret and accepts no forwarded requests");
        }

        var authorization = request.Headers.Authorization.ToString();
        var prefix = PeerToken.Scheme + " ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return new PeerRefusal(StatusCodes.Status401Unauthorized, "a forwarded request needs a peer token");
        }

        var sender = request.Headers[PeerGatewayForwarder.ForwardedByHeader].ToString();
        var check = PeerToken.Verify(_secret, authorization[prefix.Length..].Trim(), Describe(sender, request.Method, route),
            _clock.GetUtcNow(), _options.ClockSkew, _options.TokenLifetime);
        return check switch
        {
            PeerTokenCheck.Valid => null,
            PeerTokenCheck.Expired => new PeerRefusal(StatusCodes.Status401Unauthorized, "the peer token has expired"),
            PeerTokenCheck.WrongSignature => new PeerRefusal(StatusCodes.Status403Forbidden, "the peer token was not issued for this request"),
            _ => new PeerRefusal(StatusCodes.Status401Unauthorized, "the peer token is malformed"),
        };
    }

    private static PeerRequest Describe(string gatewayId, string method, TunnelRoute route) =>
        new(gatewayId, route.AgentName, method,
            // Both ends sign the path as Kestrel hands it over, so an escaping the hop rewrote does not break the signature.
            PathString.FromUriComponent(route.Path).ToUriComponent(),
            route.Target == RequestTarget.Agent ? "agent" : "upstream",
            route.Impersonation?.User, route.Impersonation?.Groups.ToList() ?? []);
}
