namespace Plural.Protocol.Peers;

/// <summary>
/// What a peer token is bound to: the gateway that sends the request, and the request as the receiving gateway
/// routes it (agent, method, path without query, target, impersonated user and groups).
/// </summary>
/// <param name="GatewayId">The sending gateway, as in its <c>X-Plural-Forwarded-By</c> header.</param>
/// <param name="AgentName">The agent the request is for.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path below the agent's proxy route, escaped as on the wire.</param>
/// <param name="Target">Where on the agent the request goes (<c>upstream</c> or <c>agent</c>).</param>
/// <param name="User">The impersonated user, if any.</param>
/// <param name="Groups">The impersonated groups.</param>
public sealed record PeerRequest(
    string GatewayId,
    string AgentName,
    string Method,
    string Path,
    string Target,
    string? User,
    IReadOnlyList<string> Groups);
