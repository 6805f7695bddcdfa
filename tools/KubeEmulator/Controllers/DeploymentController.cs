using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Deployments → ReplicaSets. A template change creates a new ReplicaSet and scales the old ones to
/// zero at once (a rollout without surge pacing); status mirrors the ReplicaSets so that
/// <c>kubectl rollout status</c> completes.
/// </summary>
internal sealed class DeploymentController(ObjectService objects, EventRecorder events) : IReconciler
{
    private const string HashLabel = "pod-template-hash";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    public void Reconcile()
    {
        foreach (var deployment in objects.List(BuiltInKinds.Deployment).Where(d => !d.IsTerminating()))
        {
            Reconcile(deployment);
        }
    }

    private void Reconcile(JsonObject deployment)
    {
        var ns = deployment.Namespace();
        var desired = deployment.Long("spec", "replicas") ?? 1;
        var hash = Ownership.StableHash(deployment.At("spec", "template"));
        var owned = objects.List(BuiltInKinds.ReplicaSet, ns).Where(rs => rs.IsControlledBy(deployment)).ToList();
        var current = owned.FirstOrDefault(rs => rs.Str("metadata", "labels", HashLabel) == hash);
        if (current is null)
        {
            var revision = owned.Select(rs => long.TryParse(rs.Str("metadata", "annotations", RevisionAnnotation), out var r) ? r : 0).DefaultIfEmpty(0).Max() + 1;
            current = objects.Create(BuiltInKinds.ReplicaSet, ns, NewReplicaSet(deployment, hash, desired, revision), null);
            events.Record(deployment, "ScalingReplicaSet", $"Scaled up replica set {current.Name()} from 0 to {desired}");
        }
        else if (current.Long("spec", "replicas") != desired)
        {
            var from = current.Long("spec", "replicas") ?? 0;
            current = objects.Change(BuiltInKinds.ReplicaSet, ns, current.Name(), rs => { rs.Obj("spec")["replicas"] = desired; return rs; }, null, null);
            events.Record(deployment, "ScalingReplicaSet", $"Scaled {(desired > from ? "up" : "down")} replica set {current.Name()} from {from} to {desired}");
        }
        foreach (var old in owned.Where(rs => rs.Name() != current.Name() && rs.Long("spec", "replicas") != 0))
        {
            objects.Change(BuiltInKinds.ReplicaSet, ns, old.Name(), rs => { rs.Obj("spec")["replicas"] = 0; return rs; }, null, null);
            events.Record(deployment, "ScalingReplicaSet", $"Scaled down replica set {old.Name()} from {old.Long("spec", "replicas")} to 0");
        }
        owned = objects.List(BuiltInKinds.ReplicaSet, ns).Where(rs => rs.IsControlledBy(deployment)).ToList();
        UpdateStatus(deployment, owned, current, desired);
    }

    private static JsonObject NewReplicaSet(JsonObject deployment, string hash, long replicas, long revision)
    {
        var template = (deployment.At("spec", "template") as JsonObject ?? new JsonObject()).CloneObject();
        template.Metadata().Obj("labels")[HashLabel] = hash;
        var selector = (deployment.At("spec", "selector") as JsonObject ?? new JsonObject()).CloneObject();
        selector.Obj("matchLabels")[HashLabel] = hash;
        var labels = template.Metadata()["labels"]!.DeepClone();
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{deployment.Name()}-{hash}",
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    [RevisionAnnotation] = revision.ToString(),
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(),
                },
                ["ownerReferences"] = Ownership.ControllerReference(deployment),
            },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = template },
        };
    }

    private void UpdateStatus(JsonObject deployment, List<JsonObject> owned, JsonObject current, long desired)
    {
        long Sum(string field) => owned.Sum(rs => rs.Long("status", field) ?? 0);
        var updated = current.Long("status", "replicas") ?? 0;
        var available = Sum("availableReplicas");
        var currentAvailable = current.Long("status", "availableReplicas") ?? 0;
        var revision = current.Str("metadata", "annotations", RevisionAnnotation);
        objects.Change(BuiltInKinds.Deployment, deployment.Namespace(), deployment.Name(), d =>
        {
            var status = d["status"] as JsonObject ?? new JsonObject();
            d["status"] = status;
            status["observedGeneration"] = d.Long("metadata", "generation") ?? 1;
            status["replicas"] = Sum("replicas");
            status["updatedReplicas"] = updated;
            status["readyReplicas"] = Sum("readyReplicas");
            status["availableReplicas"] = available;
            if (desired - available > 0) status["unavailableReplicas"] = desired - available;
            else status.Remove("unavailableReplicas");
            var now = objects.Now;
            Conditions.Set(status, "Available", available >= desired,
                available >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available >= desired ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, withUpdateTime: true);
            var complete = updated == desired && currentAvailable == desired && Sum("replicas") == desired;
            Conditions.Set(status, "Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete ? $"ReplicaSet \"{current.Name()}\" has successfully progressed." : $"ReplicaSet \"{current.Name()}\" is progressing.", now, withUpdateTime: true);
            return d;
        }, null, "status");
        if (revision is not null)
        {
            objects.Change(BuiltInKinds.Deployment, deployment.Namespace(), deployment.Name(), d =>
            {
                d.Metadata().Obj("annotations")[RevisionAnnotation] = revision;
                return d;
            }, null, null);
        }
    }
}
