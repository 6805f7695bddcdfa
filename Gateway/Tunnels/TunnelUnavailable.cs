namespace Plural.Gateway.Tunnels;

/// <summary>Why no tunnel could carry a request, in the terms of an HTTP answer.</summary>
/// <param name="HttpStatus">404 (no such agent), 503 (not connected) or 504 (connected, no tunnel freed in time).</param>
/// <param name="Reason">Kubernetes <c>Status</c> reason, e.g. <c>NotFound</c>.</param>
/// <param name="Message">What a user reads.</param>
/// <param name="NotHere">
/// A forwarded request reached a gateway that cannot serve the agent (no tunnel of it here, or draining): the
/// sending gateway tries another route before it answers its caller.
/// </param>
internal sealed record TunnelUnavailable(int HttpStatus, string Reason, string Message, bool NotHere = false)
{
    /// <summary>A forwarded request for an agent this gateway holds no free tunnel of, and will not wait for.</summary>
    public static TunnelUnavailable NotServedHere(string agentName, string gatewayId) =>
        new(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
            $"agent \"{agentName}\" has no free tunnel on gateway \"{gatewayId}\"", NotHere: true);

    /// <summary>The agent is not registered.</summary>
    public static TunnelUnavailable NotFound(string agentName) =>
        new(StatusCodes.Status404NotFound, "NotFound", $"agent \"{agentName}\" is not registered");

    /// <summary>The agent is registered but has no session on any gateway; says when it was last seen, if ever.</summary>
    public static TunnelUnavailable NotConnected(string agentName, DateTimeOffset? lastSeen)
    {
        var when = lastSeen is { } at
            ? "last seen " + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : "never connected";
        return new(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", $"agent \"{agentName}\" is not connected ({when})");
    }
}
