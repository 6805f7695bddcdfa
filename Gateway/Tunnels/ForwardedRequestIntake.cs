namespace Plural.Gateway.Tunnels;

/// <summary>
/// Whether this gateway still waits for a busy tunnel on behalf of a peer gateway. A draining gateway stops: its
/// agents are leaving, so a forwarded request that finds no idle tunnel is sent back at once for the peer to route
/// elsewhere instead of waiting for a tunnel that may never come.
/// </summary>
internal sealed class ForwardedRequestIntake
{
    private volatile bool _open = true;

    /// <summary>True until <see cref="Close"/>.</summary>
    public bool IsOpen => _open;

    /// <summary>Stops waiting for peers' requests; for the rest of the process's life.</summary>
    public void Close() => _open = false;
}
