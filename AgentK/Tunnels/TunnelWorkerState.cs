namespace Plural.AgentK.Tunnels;

/// <summary>How a worker counts in its pool.</summary>
internal enum TunnelWorkerState
{
    /// <summary>Opening a stream, waiting on one, or backing off: ready to take work soon.</summary>
    Idle,
    /// <summary>Serving a request.</summary>
    Active,
    /// <summary>No longer counted.</summary>
    Gone,
}
