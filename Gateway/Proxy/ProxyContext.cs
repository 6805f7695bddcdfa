using Plural.Gateway.Access;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Audit;

namespace Plural.Gateway.Proxy;

/// <summary>What the steps of one proxied request learn and share, from the agent it names to the route it takes.</summary>
internal sealed class ProxyContext(HttpContext http, string agent, string path, ObservedStream requestBody, ObservedStream responseBody)
{
    private KubernetesRequest? _kubernetesRequest;

    /// <summary>The request.</summary>
    public HttpContext Http => http;

    /// <summary>The agent named in the route.</summary>
    public string Agent => agent;

    /// <summary>The path on the agent's upstream: the raw remainder of the route, with escaped slashes and the caller's spelling.</summary>
    public string Path => path;

    /// <summary>The request body as it is read.</summary>
    public ObservedStream RequestBody => requestBody;

    /// <summary>The response body as it is written.</summary>
    public ObservedStream ResponseBody => responseBody;

    /// <summary>Who is calling, once authenticated (callers of the Kubernetes proxy only).</summary>
    public Caller? Caller { get; set; }

    /// <summary>Where and as whom the request goes, once authorised.</summary>
    public TunnelRoute? Route { get; set; }

    /// <summary>The identity the cluster sees, for the audit record; set with <see cref="Route"/> for a known caller.</summary>
    public ClusterIdentityUsed? ClusterIdentity { get; set; }

    /// <summary>The request read as a Kubernetes API request (verb, resource, namespace, name).</summary>
    public KubernetesRequest KubernetesRequest =>
        _kubernetesRequest ??= KubernetesRequestParser.Parse(http.Request.Method, path, http.Request.Query["watch"].FirstOrDefault());

    /// <summary>Answers with a Kubernetes <c>Status</c>; the caller's reason to stop.</summary>
    public Task RefuseAsync(int code, string reason, string message) =>
        KubernetesStatus.WriteAsync(http.Response, code, reason, message, http.RequestAborted);

    /// <summary>Answers 503: a fact the request needs is on a silo that just died and is not known here yet; retrying helps.</summary>
    public Task RefuseUnavailableAsync(GrainReadUnavailableException unavailable) =>
        RefuseAsync(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", unavailable.Message);
}
