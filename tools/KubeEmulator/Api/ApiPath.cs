namespace Plural.KubeEmulator.Api;

/// <summary>
/// A parsed resource URL: <c>/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]</c> or the
/// same under <c>/apis/{group}/{version}</c>. A <c>proxy</c> subresource may be followed by any path, kept in
/// <see cref="ProxyPath"/>: it belongs to the server behind the proxy.
/// </summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string? Resource, string? Name, string? Subresource)
{
    /// <summary>The subresource whose URL goes on past it: <c>services/{name}/proxy/{path}</c>, <c>pods/{name}/proxy/{path}</c>.</summary>
    public const string Proxy = "proxy";

    /// <summary>
    /// For a <see cref="Proxy"/> subresource, what follows it, starting with <c>/</c> and unescaped as the API server
    /// reads it (clients such as KubernetesClient send <c>%2F</c> for its slashes), or empty when the URL ends at
    /// <c>proxy</c> (the API server then redirects to <c>proxy/</c>). Null for every other path.
    /// </summary>
    public string? ProxyPath { get; init; }

    /// <summary>Subresources of namespaces themselves, which share the shape of a namespaced path.</summary>
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public bool IsGroupVersionRoot => Resource is null;

    public static ApiPath? Parse(string path)
    {
        var raw = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = raw.Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        int rest;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }
        var tail = segments[rest..];
        string? ns = null;
        if (tail.Length >= 3 && tail[0] == "namespaces" && !(tail.Length == 3 && NamespaceSubresources.Contains(tail[2])))
        {
            ns = tail[1];
            tail = tail[2..];
        }
        if (tail.Length >= 3 && tail[2] == Proxy)
        {
            return new ApiPath(group, version, ns, tail[0], tail[1], Proxy) { ProxyPath = Uri.UnescapeDataString(RestAfter(path, raw.Length - (tail.Length - 3))) };
        }
        if (tail.Length > 3) return null;
        return new ApiPath(group, version, ns, tail.ElementAtOrDefault(0), tail.ElementAtOrDefault(1), tail.ElementAtOrDefault(2));
    }

    /// <summary>The escaped path after the first <paramref name="skip"/> non-empty segments, with its trailing slash.</summary>
    private static string RestAfter(string path, int skip)
    {
        var at = 0;
        for (var seen = 0; seen < skip; seen++)
        {
            while (at < path.Length && path[at] == '/') at++;
            while (at < path.Length && path[at] != '/') at++;
        }
        return path[at..];
    }
}
