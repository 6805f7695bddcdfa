using System.Text.Json.Nodes;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Discovery;

/// <summary>The legacy (unaggregated) discovery documents: APIVersions, APIGroupList, APIGroup and APIResourceList.</summary>
internal static class DiscoveryDocuments
{
    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.Groups().Where(g => g.Key.Length > 0).Select(g => (JsonNode)Group(g.Key, g)).ToArray()),
    };

    public static JsonObject Group(string name, IEnumerable<ResourceKind> kinds)
    {
        var versions = kinds.Select(k => k.Version).Distinct().ToList();
        JsonObject Version(string v) => new() { ["groupVersion"] = $"{name}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = name,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)Version(v)).ToArray()),
            ["preferredVersion"] = Version(versions[0]),
        };
    }

    public static JsonObject ResourceList(string groupVersion, IEnumerable<ResourceKind> kinds)
    {
        var resources = new JsonArray();
        foreach (var k in kinds)
        {
            var resource = Resource(k, k.Plural, k.Verbs);
            resource["singularName"] = k.Singular;
            if (k.ShortNames.Count > 0) resource["shortNames"] = new JsonArray(k.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (k.Categories.Count > 0) resource["categories"] = new JsonArray(k.Categories.Select(s => (JsonNode)s).ToArray());
            resources.Add(resource);
            if (k.HasStatus) resources.Add(Resource(k, $"{k.Plural}/status", ["get", "patch", "update"]));
            if (k.HasScale) resources.Add(Subresource(k, "scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]));
            if (k.HasLog) resources.Add(Resource(k, $"{k.Plural}/log", ["get"]));
            if (k.HasEviction) resources.Add(Subresource(k, "eviction", "policy", "v1", "Eviction", ["create"]));
            if (k.HasTokenRequest) resources.Add(Subresource(k, "token", "authentication.k8s.io", "v1", "TokenRequest", ["create"]));
            if (k.HasProxy)
            {
                var proxy = Resource(k, $"{k.Plural}/proxy", ["create", "delete", "get", "patch", "update"]);
                proxy["kind"] = k.ProxyOptionsKind;
                resources.Add(proxy);
            }
            if (k.HasStreaming)
            {
                resources.Add(Connect(k, "attach", "PodAttachOptions"));
                resources.Add(Connect(k, "exec", "PodExecOptions"));
                resources.Add(Connect(k, "portforward", "PodPortForwardOptions"));
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject Resource(ResourceKind k, string name, IReadOnlyList<string> verbs) => new()
    {
        ["name"] = name,
        ["singularName"] = "",
        ["namespaced"] = k.Namespaced,
        ["kind"] = k.Kind,
        ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
    };

    /// <summary>A connect subresource (exec, attach, portforward): its kind is the options type, its verbs create and get.</summary>
    private static JsonObject Connect(ResourceKind k, string sub, string optionsKind)
    {
        var r = Resource(k, $"{k.Plural}/{sub}", ["create", "get"]);
        r["kind"] = optionsKind;
        return r;
    }

    private static JsonObject Subresource(ResourceKind k, string sub, string group, string version, string kind, IReadOnlyList<string> verbs)
    {
        var r = Resource(k, $"{k.Plural}/{sub}", verbs);
        r["group"] = group;
        r["version"] = version;
        r["kind"] = kind;
        return r;
    }
}
