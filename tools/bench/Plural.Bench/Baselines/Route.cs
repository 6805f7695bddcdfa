using Plural.Bench.Load;
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
    /// <summary>Headers sent besides <c>Authorization</c> (kubectl's <c>Accept</c> and <c>User-Agent</c> on <c>k8s-proxy</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>PEM CA the route's https certificate chains to; null for plain http.</summary>
    public string? CaFile { get; init; }

    /// <summary>True when the route must be driven over HTTP/2, which only the bench's own client speaks (wrk does not).</summary>
    public bool Http2Only { get; init; }

    /// <summary>The full URL of an upstream path through this route.</summary>
    public Uri UrlOf(string path) => new(BaseUrl + path);

    /// <summary>
    /// What the bench's own client sends for <paramref name="path"/>: every header of the route, over HTTP/2 when the route
    /// is https (negotiated as a browser or kubectl would) or when it must be, HTTP/1.1 otherwise.
    /// </summary>
    public LoadTarget TargetOf(string path) => new(UrlOf(path),
        [.. Authorization is null ? [] : new[] { new KeyValuePair<string, string>("Authorization", Authorization) }, .. Headers],
        Http2Only || CaFile is not null, CaFile);
}
