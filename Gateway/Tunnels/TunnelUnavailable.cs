namespace Plural.Gateway.Tunnels;

/// <summary>Why no tunnel could carry a request, in the terms of an HTTP answer.</summary>
/// <param name="HttpStatus">404 (no such agent), 503 (not connected) or 504 (connected, no tunnel freed in time).</param>
/// <param name="Reason">Kubernetes <c>Status</c> reason, e.g. <c>NotFound</c>.</param>
/// <param name="Message">What a user reads.</param>
public sealed record TunnelUnavailable(int HttpStatus, string Reason, string Message)
{
    /// <summary>The agent is not registered.</summary>
    public static TunnelUnavailable NotFound(string agentName) =>
        new(StatusCodes.Status404NotFound, "NotFound", $"agent \"{agentName}\" is not registered");
}
