using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Selectors;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Fills the rules of every ClusterRole with an <c>aggregationRule</c> from the ClusterRoles its selectors
/// match (sorted by name, duplicates dropped), as the controller manager does; roles that aggregate
/// aggregated roles (<c>admin</c> ⊃ <c>edit</c> ⊃ <c>view</c>) settle over successive passes.
/// </summary>
internal sealed class ClusterRoleAggregationController(ObjectService objects) : IReconciler
{
    public void Reconcile()
    {
        var roles = objects.List(RbacKinds.ClusterRole);
        foreach (var role in roles.Where(r => r["aggregationRule"] is JsonObject))
        {
            var selectors = role.At("aggregationRule", "clusterRoleSelectors").Objects().Select(LabelSelectors.FromObject).ToList();
            var rules = new JsonArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var source in roles.Where(r => r.Name() != role.Name() && selectors.Any(s => s.Matches(r))).OrderBy(r => r.Name(), StringComparer.Ordinal))
            {
                foreach (var rule in source.At("rules").Objects())
                {
                    if (seen.Add(rule.ToJsonString())) rules.Add(rule.DeepClone());
                }
            }
            if (JsonNode.DeepEquals(rules, role["rules"] ?? new JsonArray())) continue;
            objects.Change(RbacKinds.ClusterRole, null, role.Name(), r =>
            {
                r["rules"] = rules;
                return r;
            }, null, null);
        }
    }
}
