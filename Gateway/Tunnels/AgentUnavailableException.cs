namespace Plural.Gateway.Tunnels;

/// <summary>Thrown by <see cref="AgentRequestClient"/> when no tunnel of the agent is reachable.</summary>
internal sealed class AgentUnavailableException(TunnelUnavailable reason) : Exception(reason.Message)
{
    /// <summary>Why, as an HTTP status, Kubernetes reason and message.</summary>
    public TunnelUnavailable Reason { get; } = reason;
}
