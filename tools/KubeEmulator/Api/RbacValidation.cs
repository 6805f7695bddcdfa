using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// The API server's validation of Roles, ClusterRoles and their bindings: names are path segments
/// (<c>system:discovery</c> is fine), every rule names verbs and either resources or non-resource URLs,
/// a binding refers to a role it may refer to, and its <c>roleRef</c> never changes.
/// </summary>
internal static class RbacValidation
{
    public static bool IsRbacKind(string kind) => kind is "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding";

    public static string? NameProblem(string name) =>
        name is "." or ".." ? $"may not be '{name}'"
        : name.Contains('/') ? "may not contain '/'"
        : name.Contains('%') ? "may not contain '%'"
        : null;

    public static void Validate(string kind, JsonObject o, List<FieldError> errors)
    {
        if (kind is "Role" or "ClusterRole")
        {
            var i = 0;
            foreach (var rule in o.At("rules").Objects()) Rule(rule, $"rules[{i++}]", namespaced: kind == "Role", errors);
            return;
        }
        var roleKind = o.Str("roleRef", "kind") ?? "";
        string[] allowed = kind == "RoleBinding" ? ["Role", "ClusterRole"] : ["ClusterRole"];
        if (!allowed.Contains(roleKind))
            errors.Add(new FieldError("roleRef.kind", "FieldValueNotSupported", $"Unsupported value: \"{roleKind}\": supported values: {string.Join(", ", allowed.Select(a => $"\"{a}\""))}"));
        if (o.Str("roleRef", "apiGroup") is var group && group != "rbac.authorization.k8s.io")
            errors.Add(new FieldError("roleRef.apiGroup", "FieldValueNotSupported", $"Unsupported value: \"{group}\": supported values: \"rbac.authorization.k8s.io\""));
        if (string.IsNullOrEmpty(o.Str("roleRef", "name"))) errors.Add(FieldError.Required("roleRef.name"));
        var s = 0;
        foreach (var subject in o.At("subjects").Objects())
        {
            var field = $"subjects[{s++}]";
            if (string.IsNullOrEmpty(subject.Str("name"))) errors.Add(FieldError.Required($"{field}.name"));
            switch (subject.Str("kind"))
            {
                case "ServiceAccount":
                    if (kind == "ClusterRoleBinding" && string.IsNullOrEmpty(subject.Str("namespace"))) errors.Add(FieldError.Required($"{field}.namespace"));
                    break;
                case "User" or "Group":
                    break;
                case var other:
                    errors.Add(new FieldError($"{field}.kind", "FieldValueNotSupported", $"Unsupported value: \"{other}\": supported values: \"ServiceAccount\", \"User\", \"Group\""));
                    break;
            }
        }
    }

    public static void ValidateUpdate(string kind, JsonObject current, JsonObject next, List<FieldError> errors)
    {
        if (kind is "RoleBinding" or "ClusterRoleBinding" && !JsonNode.DeepEquals(current["roleRef"], next["roleRef"]))
            errors.Add(new FieldError("roleRef", "FieldValueInvalid", $"Invalid value: {next["roleRef"]?.ToJsonString() ?? "null"}: cannot change roleRef"));
    }

    private static void Rule(JsonObject rule, string field, bool namespaced, List<FieldError> errors)
    {
        if (!rule.At("verbs").Strings().Any()) errors.Add(FieldError.Required($"{field}.verbs", "verbs must contain at least one value"));
        var urls = rule.At("nonResourceURLs").Strings().ToList();
        var hasResources = rule.At("apiGroups").Strings().Any() || rule.At("resources").Strings().Any();
        if (urls.Count > 0)
        {
            var value = "[" + string.Join(" ", urls) + "]";
            if (namespaced) errors.Add(new FieldError($"{field}.nonResourceURLs", "FieldValueInvalid", $"Invalid value: \"{value}\": namespaced rules cannot apply to non-resource URLs"));
            if (hasResources) errors.Add(new FieldError($"{field}.nonResourceURLs", "FieldValueInvalid", $"Invalid value: \"{value}\": rules cannot apply to both regular resources and non-resource URLs"));
            return;
        }
        if (!rule.At("apiGroups").Strings().Any()) errors.Add(FieldError.Required($"{field}.apiGroups", "resource rules must supply at least one api group"));
        if (!rule.At("resources").Strings().Any()) errors.Add(FieldError.Required($"{field}.resources", "resource rules must supply at least one resource"));
    }
}
