using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>Which subject of a binding names the requester, and how the RBAC authorizer describes it.</summary>
internal static class RoleBindingSubjects
{
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    public static JsonObject? Matching(JsonObject binding, string user, IReadOnlyList<string> groups)
    {
        var bindingNamespace = binding.Namespace() ?? "";
        return binding.At("subjects").Objects().FirstOrDefault(s => s.Str("kind") switch
        {
            "User" => s.Str("name") == user,
            "Group" => s.Str("name") is { } g && groups.Contains(g),
            "ServiceAccount" => user == $"{ServiceAccountPrefix}{s.Str("namespace") ?? bindingNamespace}:{s.Str("name")}",
            _ => false,
        });
    }

    /// <summary><c>ClusterRoleBinding "x" of ClusterRole "y" to Group "z"</c>, the wording of the API server's allow reasons.</summary>
    public static string Describe(JsonObject binding, JsonObject subject)
    {
        var ns = binding.Namespace();
        var name = ns is null ? binding.Name() : $"{binding.Name()}/{ns}";
        var who = subject.Str("kind") == "ServiceAccount"
            ? $"{subject.Str("name")}/{subject.Str("namespace") ?? ns}"
            : subject.Str("name");
        return $"{(ns is null ? "ClusterRoleBinding" : "RoleBinding")} \"{name}\" of {binding.Str("roleRef", "kind")} \"{binding.Str("roleRef", "name")}\" to {subject.Str("kind")} \"{who}\"";
    }
}
