using Plural.KubeEmulator.Api;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>DaemonSets get one pod per ready node.</summary>
internal sealed class DaemonSetController(ObjectService objects, PodFactory pods) : IReconciler
{
    public void Reconcile()
    {
        var nodes = objects.List(BuiltInKinds.Node).Where(n => Conditions.IsTrue(n, "Ready")).Select(n => n.Name()).ToList();
        foreach (var ds in objects.List(BuiltInKinds.DaemonSet).Where(d => !d.IsTerminating()))
        {
            var owned = pods.LivePods(ds);
            foreach (var node in nodes.Where(n => owned.All(p => p.Str("spec", "nodeName") != n)))
            {
                owned.Add(pods.Create(ds, null, node));
            }
            foreach (var stray in owned.Where(p => !nodes.Contains(p.Str("spec", "nodeName") ?? "")).ToList())
            {
                pods.Delete(ds, stray);
                owned.Remove(stray);
            }
            var ready = owned.Count(PodFactory.IsReady);
            objects.Change(BuiltInKinds.DaemonSet, ds.Namespace(), ds.Name(), d =>
            {
                d["status"] = new JsonObject
                {
                    ["observedGeneration"] = d.Long("metadata", "generation") ?? 1,
                    ["desiredNumberScheduled"] = nodes.Count,
                    ["currentNumberScheduled"] = owned.Count,
                    ["updatedNumberScheduled"] = owned.Count,
                    ["numberReady"] = ready,
                    ["numberAvailable"] = ready,
                    ["numberMisscheduled"] = 0,
                };
                return d;
            }, null, "status");
        }
    }
}
