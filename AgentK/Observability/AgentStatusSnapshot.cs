namespace Plural.AgentK.Observability;

/// <summary>The JSON body of <c>/status</c>.</summary>
internal sealed record AgentStatusSnapshot(
    bool Connected,
    string? GatewayId,
    string? AgentId,
    int IdleTunnels,
    int ActiveTunnels,
    int TotalTunnels);
