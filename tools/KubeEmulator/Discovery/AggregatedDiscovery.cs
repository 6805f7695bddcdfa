using System.Text.Json.Nodes;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Discovery;

/// <summary>
/// Aggregated discovery (<c>apidiscovery.k8s.io/v2</c>): all groups, versions and resources in the
/// answer to /api or /apis, so clients need two requests instead of one per group version.
/// Served only when the client asks for it in Accept; others get the legacy documents.
/// </summary>
internal static class AggregatedDiscovery
{
    public const string ContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    public static bool IsRequested(string? accept) =>
        accept is not null && accept.Split(',').Any(a => a.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) && a.Contains("v=v2", StringComparison.Ordinal) && !a.Contains("v=v2beta1", StringComparison.Ordinal));

    /// <summary>The list for the core group (<paramref name="core"/>) or for every named group.</summary>
    public static JsonObject List(ResourceRegistry registry, bool core)
    {
        var groups = registry.Groups().Where(g => (g.Key.Length == 0) == core);
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/v2",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(groups.Select(g => (JsonNode)Group(g.Key, g.ToList())).ToArray()),
        };
    }

    private static JsonObject Group(string name, List<ResourceKind> kinds) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["versions"] = new JsonArray(kinds.GroupBy(k => k.Version).Select(v => (JsonNode)new JsonObject
        {
            ["version"] = v.Key,
            ["resources"] = new JsonArray(v.Select(k => (JsonNode)Resource(k)).ToArray()),
            ["freshness"] = "Current",
        }).ToArray()),
    };

    private static JsonObject Resource(ResourceKind k)
    {
        var resource = new JsonObject
        {
            ["resource"] = k.Plural,
            ["responseKind"] = Gvk(k.Group, k.Version, k.Kind),
            ["scope"] = k.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = k.Singular,
            ["verbs"] = Strings(k.Verbs),
        };
        if (k.ShortNames.Count > 0) resource["shortNames"] = Strings(k.ShortNames);
        if (k.Categories.Count > 0) resource["categories"] = Strings(k.Categories);
        var subresources = new JsonArray();
        if (k.HasStatus) subresources.Add(Subresource("status", Gvk(k.Group, k.Version, k.Kind)));
        if (k.HasScale) subresources.Add(Subresource("scale", Gvk("autoscaling", "v1", "Scale")));
        if (k.HasLog) subresources.Add(new JsonObject { ["subresource"] = "log", ["verbs"] = Strings(["get"]) });
        if (k.HasEviction) subresources.Add(new JsonObject { ["subresource"] = "eviction", ["responseKind"] = Gvk("policy", "v1", "Eviction"), ["verbs"] = Strings(["create"]) });
        if (k.HasTokenRequest) subresources.Add(new JsonObject { ["subresource"] = "token", ["responseKind"] = Gvk("authentication.k8s.io", "v1", "TokenRequest"), ["verbs"] = Strings(["create"]) });
        if (k.HasProxy)
        {
            subresources.Add(new JsonObject { ["subresource"] = "proxy", ["responseKind"] = Gvk("", "v1", k.ProxyOptionsKind), ["verbs"] = Strings(["create", "delete", "get", "patch", "update"]) });
        }
        if (k.HasStreaming)
        {
            foreach (var (sub, kind) in new[] { ("attach", "PodAttachOptions"), ("exec", "PodExecOptions"), ("portforward", "PodPortForwardOptions") })
            {
                subresources.Add(new JsonObject { ["subresource"] = sub, ["responseKind"] = Gvk("", "v1", kind), ["verbs"] = Strings(["create", "get"]) });
            }
        }
        if (subresources.Count > 0) resource["subresources"] = subresources;
        return resource;
    }

    private static JsonObject Subresource(string name, JsonObject kind) => new()
    {
        ["subresource"] = name,
        ["responseKind"] = kind,
        ["verbs"] = Strings(["get", "patch", "update"]),
    };

    private static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
