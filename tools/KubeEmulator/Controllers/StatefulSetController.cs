using Plural.KubeEmulator.Api;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>StatefulSets get ordinal pods (<c>name-0</c>, <c>name-1</c>…), scaled from the top.</summary>
internal sealed class StatefulSetController(ObjectService objects, PodFactory pods) : IReconciler
{
    public void Reconcile()
    {
        foreach (var sts in objects.List(BuiltInKinds.StatefulSet).Where(s => !s.IsTerminating()))
        {
            var desired = sts.Long("spec", "replicas") ?? 1;
            var owned = pods.LivePods(sts);
            var revision = $"{sts.Name()}-{Ownership.StableHash(sts.At("spec", "template"))}";
            for (var i = 0; i < desired; i++)
            {
                var name = $"{sts.Name()}-{i}";
                if (owned.All(p => p.Name() != name) && objects.Find(BuiltInKinds.Pod, sts.Namespace(), name) is null)
                    owned.Add(pods.Create(sts, name, extraLabels: new Dictionary<string, string> { ["statefulset.kubernetes.io/pod-name"] = name, ["controller-revision-hash"] = revision }));
            }
            foreach (var extra in owned.Where(p => Ordinal(p) >= desired).ToList())
            {
                pods.Delete(sts, extra);
                owned.Remove(extra);
            }
            var ready = owned.Count(PodFactory.IsReady);
            objects.Change(BuiltInKinds.StatefulSet, sts.Namespace(), sts.Name(), s =>
            {
                s["status"] = new JsonObject
                {
                    ["observedGeneration"] = s.Long("metadata", "generation") ?? 1,
                    ["replicas"] = owned.Count,
                    ["readyReplicas"] = ready,
                    ["currentReplicas"] = owned.Count,
                    ["updatedReplicas"] = owned.Count,
                    ["availableReplicas"] = ready,
                    ["currentRevision"] = revision,
                    ["updateRevision"] = revision,
                    ["collisionCount"] = 0,
                };
                return s;
            }, null, "status");
        }
    }

    private static long Ordinal(JsonObject pod) =>
        long.TryParse(pod.Name()[(pod.Name().LastIndexOf('-') + 1)..], out var n) ? n : long.MaxValue;
}
