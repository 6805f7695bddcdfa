using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>
/// The RBAC authorizer: a request is allowed when a rule of a role bound to the requester allows it
/// (ClusterRoleBindings everywhere, RoleBindings in their namespace); nothing denies. Roles and
/// bindings are read from the store on each request, so a change applies to the next request.
/// With enforcement off every request is allowed.
/// </summary>
internal sealed class RbacAuthorizer(ObjectService objects, KubeEmulatorOptions options)
{
    public bool Enforced => options.Rbac;

    public AuthorizationDecision Authorize(AuthorizationAttributes request)
    {
        if (!Enforced) return AuthorizationDecision.Unrestricted;
        var errors = new List<string>();
        foreach (var (source, rules) in Grants(request.User, request.Groups, request.Namespace, errors))
        {
            if (rules.Any(r => r.Allows(request))) return new AuthorizationDecision(true, $"RBAC: allowed by {source}");
        }
        return new AuthorizationDecision(false, errors.Count == 0 ? "" : "RBAC: " + (errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]"));
    }

    /// <summary>Every rule that applies to the requester in a namespace (SelfSubjectRulesReview); <paramref name="errors"/> gets unresolvable role references.</summary>
    public IReadOnlyList<PolicyRule> RulesFor(string user, IReadOnlyList<string> groups, string ns, List<string> errors)
    {
        if (!Enforced) return [new PolicyRule(["*"], ["*"], ["*"], [], []), new PolicyRule(["*"], [], [], [], ["*"])];
        return Grants(user, groups, ns, errors).SelectMany(g => g.Rules).ToList();
    }

    /// <summary>Throws the API server's 403 unless the request is allowed.</summary>
    public void Require(AuthorizationAttributes request)
    {
        var decision = Authorize(request);
        if (!decision.Allowed) throw ForbiddenError.For(request, decision.Reason);
    }

    private IEnumerable<(string Source, IEnumerable<PolicyRule> Rules)> Grants(string user, IReadOnlyList<string> groups, string ns, List<string> errors)
    {
        foreach (var binding in objects.List(RbacKinds.ClusterRoleBinding))
        {
            if (RoleBindingSubjects.Matching(binding, user, groups) is not { } subject) continue;
            if (Role(binding, null, errors) is { } role) yield return (RoleBindingSubjects.Describe(binding, subject), PolicyRule.Of(role));
        }
        if (ns.Length == 0) yield break;
        foreach (var binding in objects.List(RbacKinds.RoleBinding, ns))
        {
            if (RoleBindingSubjects.Matching(binding, user, groups) is not { } subject) continue;
            if (Role(binding, ns, errors) is { } role) yield return (RoleBindingSubjects.Describe(binding, subject), PolicyRule.Of(role));
        }
    }

    private JsonObject? Role(JsonObject binding, string? ns, List<string> errors)
    {
        var name = binding.Str("roleRef", "name") ?? "";
        var (kind, roleNamespace) = binding.Str("roleRef", "kind") == "Role" && ns is not null ? (RbacKinds.Role, ns) : (RbacKinds.ClusterRole, (string?)null);
        var role = objects.Find(kind, roleNamespace, name);
        if (role is null) errors.Add($"{kind.Singular}.{RbacKinds.Group} \"{name}\" not found");
        return role;
    }
}
