using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>Where a request goes and as whom: the agent, the path on its side, and the identity the cluster sees.</summary>
/// <param name="AgentName">The agent that carries the request.</param>
/// <param name="Path">Path on the agent's side, starting with '/'.</param>
/// <param name="Target">The agent's upstream (user traffic) or the agent itself (cached queries).</param>
/// <param name="Impersonation">
/// The identity the upstream acts as; null to let the agent's own credentials (and any Impersonate-* headers the
/// caller sent) decide.
/// </param>
/// <param name="WaitBudget">
/// On a request a peer gateway forwarded: how long that gateway can still wait for the answer before its caller
/// gives up, so this one answers in time; null when the request came from its caller directly.
/// </param>
internal sealed record TunnelRoute(
    string AgentName,
    string Path,
    RequestTarget Target = RequestTarget.Upstream,
    Impersonation? Impersonation = null,
    TimeSpan? WaitBudget = null);
