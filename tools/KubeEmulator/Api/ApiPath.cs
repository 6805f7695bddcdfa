namespace Plural.KubeEmulator.Api;

/// <summary>
/// A parsed resource URL: <c>/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]</c> or the
/// same under <c>/apis/{group}/{version}</c>.
/// </summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string? Resource, string? Name, string? Subresource)
{
    /// <summary>Subresources of namespaces themselves, which share the shape of a namespaced path.</summary>
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public bool IsGroupVersionRoot => Resource is null;

    public static ApiPath? Parse(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
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
        if (tail.Length > 3) return null;
        return new ApiPath(group, version, ns, tail.ElementAtOrDefault(0), tail.ElementAtOrDefault(1), tail.ElementAtOrDefault(2));
    }
}
