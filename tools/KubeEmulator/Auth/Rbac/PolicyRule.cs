using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>One <c>rules[]</c> entry of a Role or ClusterRole, matched the way the RBAC authorizer matches it.</summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public static PolicyRule From(JsonObject rule) => new(
        rule.At("verbs").Strings().ToList(),
        rule.At("apiGroups").Strings().ToList(),
        rule.At("resources").Strings().ToList(),
        rule.At("resourceNames").Strings().ToList(),
        rule.At("nonResourceURLs").Strings().ToList());

    public static IEnumerable<PolicyRule> Of(JsonObject role) => role.At("rules").Objects().Select(From);

    public bool Allows(AuthorizationAttributes request)
    {
        if (!Verbs.Contains(All) && !Verbs.Contains(request.Verb)) return false;
        if (!request.IsResourceRequest) return NonResourceUrls.Any(u => UrlMatches(u, request.Path));
        return (ApiGroups.Contains(All) || ApiGroups.Contains(request.ApiGroup))
            && Resources.Any(r => ResourceMatches(r, request.Resource, request.Subresource))
            && (ResourceNames.Count == 0 || ResourceNames.Contains(request.Name));
    }

    public JsonObject ToResourceRule() => new()
    {
        ["verbs"] = Array(Verbs),
        ["apiGroups"] = Array(ApiGroups),
        ["resources"] = Array(Resources),
        ["resourceNames"] = ResourceNames.Count == 0 ? null : Array(ResourceNames),
    };

    public JsonObject ToNonResourceRule() => new() { ["verbs"] = Array(Verbs), ["nonResourceURLs"] = Array(NonResourceUrls) };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    // "*" matches everything, "pods/log" exactly that subresource, "*/scale" one subresource of every resource.
    private static bool ResourceMatches(string rule, string resource, string subresource)
    {
        if (rule == All) return true;
        if (subresource.Length == 0) return rule == resource;
        return rule == $"{resource}/{subresource}" || rule == $"*/{subresource}";
    }

    // A trailing "*" is a prefix match; anything else is exact.
    private static bool UrlMatches(string rule, string path) =>
        rule == All || rule == path || rule.EndsWith(All, StringComparison.Ordinal) && path.StartsWith(rule[..^1], StringComparison.Ordinal);
}
