using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>Derives the authorization attributes of an HTTP request the way the API server's request info does.</summary>
internal static class RequestAttributes
{
    /// <summary>Subresources that open a stream to a pod; the API server checks them as <c>create</c> whatever the method.</summary>
    private static readonly HashSet<string> ConnectSubresources = ["exec", "attach", "portforward"];

    public static AuthorizationAttributes From(HttpContext context, RequestIdentity identity)
    {
        var request = context.Request;
        var path = ApiPath.Parse(request.Path.Value ?? "");
        if (path?.Resource is null) return AuthorizationAttributes.ForPath(identity, request.Method.ToLowerInvariant(), request.Path.Value ?? "/");

        var name = path.Name ?? "";
        var ns = path.Namespace ?? "";
        // A namespace is its own namespace: a RoleBinding in "demo" may grant "get namespaces" on "demo".
        if (path.Resource == "namespaces" && ns.Length == 0) ns = name;
        var verb = Verb(request, name.Length > 0);
        if (path.Resource == "pods" && path.Subresource is { } sub && ConnectSubresources.Contains(sub)) verb = "create";
        if (verb is "list" or "watch" && NameFromFieldSelector(request) is { } selected) name = selected;
        return AuthorizationAttributes.ForResource(identity, verb, path.Group, path.Resource, path.Subresource ?? "", ns, name);
    }

    private static string Verb(HttpRequest request, bool named)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            if (named) return "get";
            return request.Query["watch"].ToString() is "1" or "true" or "True" ? "watch" : "list";
        }
        if (HttpMethods.IsPost(method)) return "create";
        if (HttpMethods.IsPut(method)) return "update";
        if (HttpMethods.IsPatch(method)) return "patch";
        if (HttpMethods.IsDelete(method)) return named ? "delete" : "deletecollection";
        return method.ToLowerInvariant();
    }

    // "kubectl get pod x --watch" lists with fieldSelector=metadata.name=x; the API server authorizes that as naming x.
    private static string? NameFromFieldSelector(HttpRequest request)
    {
        var selector = request.Query["fieldSelector"].ToString();
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var op in new[] { "metadata.name==", "metadata.name=" })
            {
                if (term.StartsWith(op, StringComparison.Ordinal)) return term[op.Length..];
            }
        }
        return null;
    }
}
