using Plural.Bench.Processes;

namespace Plural.Bench.Baselines;

/// <summary>
/// One way from the load client to the same upstream: directly, through the tunnel, through
/// <c>ssh -R</c>, through nghttpx. <see cref="BaseUrl"/> plus an upstream path is the URL to call.
/// </summary>
/// <param name="Name">Short name used in tables (<c>direct</c>, <c>tunnel</c>, ...).</param>
/// <param name="BaseUrl">Prefix the upstream path is appended to, without a trailing slash.</param>
/// <param name="Authorization">Authorization header value the route needs, if any.</param>
/// <param name="Components">The processes that carry the route's traffic, for CPU and memory figures.</param>
public sealed record Route(string Name, string BaseUrl, string? Authorization, IReadOnlyList<ChildProcess> Components)
{
    /// <summary>The full URL of an upstream path through this route.</summary>
    public Uri UrlOf(string path) => new(BaseUrl + path);
}
