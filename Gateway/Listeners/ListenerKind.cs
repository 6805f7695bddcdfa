namespace Plural.Gateway.Listeners;

/// <summary>The gateway's listeners. Each endpoint is reachable on exactly one of them.</summary>
public enum ListenerKind
{
    /// <summary>Agent gRPC (session and tunnels).</summary>
    Agent,
    /// <summary><c>ServerApi</c> gRPC for the main application.</summary>
    Api,
    /// <summary>User-facing HTTP: proxy and health.</summary>
    Http,
}
