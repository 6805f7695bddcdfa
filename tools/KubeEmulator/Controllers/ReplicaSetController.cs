using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>ReplicaSets → pods: creates or deletes pods until the count matches, and reports readiness.</summary>
internal sealed class ReplicaSetController(ObjectService objects, PodFactory pods) : IReconciler
{
    public void Reconcile()
    {
        foreach (var rs in objects.List(BuiltInKinds.ReplicaSet).Where(r => !r.IsTerminating()))
        {
            var desired = rs.Long("spec", "replicas") ?? 1;
            var owned = pods.LivePods(rs);
            for (var i = owned.Count; i < desired; i++) owned.Add(pods.Create(rs, null));
            foreach (var extra in owned.OrderBy(PodFactory.IsReady).ThenByDescending(p => p.Str("metadata", "creationTimestamp")).Take(Math.Max(0, owned.Count - (int)desired)).ToList())
            {
                pods.Delete(rs, extra);
                owned.Remove(extra);
            }
            WriteStatus(rs, owned);
        }
    }

    private void WriteStatus(JsonObject rs, List<JsonObject> owned)
    {
        var ready = owned.Count(PodFactory.IsReady);
        objects.Change(BuiltInKinds.ReplicaSet, rs.Namespace(), rs.Name(), current =>
        {
            current["status"] = new JsonObject
            {
                ["replicas"] = owned.Count,
                ["fullyLabeledReplicas"] = owned.Count,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["observedGeneration"] = current.Long("metadata", "generation") ?? 1,
            };
            return current;
        }, null, "status");
    }
}
