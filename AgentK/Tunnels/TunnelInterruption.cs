namespace Plural.AgentK.Tunnels;

/// <summary>Why an exchange stopped before the agent finished answering.</summary>
internal enum TunnelInterruption
{
    None,
    /// <summary>The gateway sent <c>cancel</c>.</summary>
    Cancelled,
    /// <summary>The gateway sent a frame out of order.</summary>
    ProtocolViolation,
    /// <summary>The gateway's stream ended or failed; nothing can be sent back any more.</summary>
    GatewayGone,
}
