namespace Plural.Gateway.Proxy;

/// <summary>Endpoint metadata of a route that leads to agents, naming it as metrics tag it (<c>route</c>).</summary>
/// <param name="Name">The route's name in metrics: <c>k8s-proxy</c> or <c>agents</c>.</param>
internal sealed record ProxyRouteMetadata(string Name);
