namespace Plural.Gateway.Tunnels;

/// <summary>A request the gateway itself makes to an agent (for example a cached query).</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path on the agent's side, starting with '/'.</param>
/// <param name="Query">Raw query string without the leading '?'.</param>
/// <param name="Body">Request body; empty for none.</param>
/// <param name="Target">The agent itself (default) or its upstream.</param>
internal sealed record AgentCall(
    string Method,
    string Path,
    string Query,
    ReadOnlyMemory<byte> Body,
    Protocol.Agent.RequestTarget Target = Protocol.Agent.RequestTarget.Agent);
