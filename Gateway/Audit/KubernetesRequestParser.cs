using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Derives the Kubernetes verb, resource, namespace and name of a request from its method and path, following the
/// API server's request-info rules, so that audit entries read like the cluster's own audit log.
/// </summary>
internal static class KubernetesRequestParser
{
    /// <summary>Parses a request to the API server.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Path on the API server (after <c>/k8s-proxy/{agent}</c>), without the query string.</param>
    /// <param name="watchParameter">The <c>watch</c> query parameter, the only part of the query that is read.</param>
    public static KubernetesRequest Parse(string method, string path, string? watchParameter)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /api/{version}/... is the core group; /apis/{group}/{version}/... the others.
        var (group, rest) = segments switch
        {
            ["api", _, .. var r] => ("", r),
            ["apis", var g, _, .. var r] => (g, r),
            _ => ((string?)null, Array.Empty<string>()),
        };
        if (group is null || rest.Length == 0)
        {
            return NonResource(method, path);
        }

        var watch = false;
        if (rest is ["watch", .. var watched])
        {
            // The deprecated /watch/ path prefix.
            watch = true;
            rest = watched;
        }

        var ns = "";
        if (rest is ["namespaces", var n, .. var inNamespace] && (inNamespace.Length > 0 || !watch))
        {
            ns = n;
            // /namespaces/{name} itself is the namespace object.
            rest = inNamespace.Length > 0 ? inNamespace : ["namespaces", n];
        }

        if (rest.Length == 0)
        {
            return NonResource(method, path);
        }

        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : "";
        var subresource = rest.Length > 2 ? rest[2] : "";
        watch |= watchParameter is "true" or "1";
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => name.Length > 0 ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length > 0 ? "delete" : "deletecollection",
            var other => other.ToLowerInvariant(),
        };
        return new KubernetesRequest(verb, group, resource, subresource, ns, name, "");
    }

    private static KubernetesRequest NonResource(string method, string path) =>
        new(method.ToLowerInvariant(), "", "", "", "", "", path);
}
