using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Creates and removes the pods of a workload from its pod template.</summary>
internal sealed class PodFactory(ObjectService objects, EventRecorder events)
{
    public List<JsonObject> OwnedPods(JsonObject owner) =>
        objects.List(BuiltInKinds.Pod, owner.Namespace()).Where(p => p.IsControlledBy(owner)).ToList();

    /// <summary>Owned pods that are not on their way out: the ones that count towards a workload's replicas.</summary>
    public List<JsonObject> LivePods(JsonObject owner) => OwnedPods(owner).Where(p => !p.IsTerminating()).ToList();

    public JsonObject Create(JsonObject owner, string? name, string? nodeName = null, IEnumerable<KeyValuePair<string, string>>? extraLabels = null)
    {
        var template = owner.At("spec", "template") as JsonObject ?? new JsonObject();
        var metadata = template["metadata"] is JsonObject m ? m.CloneObject() : new JsonObject();
        var labels = metadata.Obj("labels");
        foreach (var (k, v) in extraLabels ?? []) labels[k] = v;
        if (name is null) metadata["generateName"] = owner.Name() + "-";
        else metadata["name"] = name;
        metadata["ownerReferences"] = Ownership.ControllerReference(owner);
        var spec = template["spec"] is JsonObject s ? s.CloneObject() : new JsonObject();
        if (nodeName is not null) spec["nodeName"] = nodeName;
        var pod = objects.Create(BuiltInKinds.Pod, owner.Namespace(), new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
        }, null);
        events.Record(owner, "SuccessfulCreate", $"Created pod: {pod.Name()}");
        return pod;
    }

    public void Delete(JsonObject owner, JsonObject pod)
    {
        objects.Delete(BuiltInKinds.Pod, pod.Namespace(), pod.Name(), DeleteRequest.Background);
        events.Record(owner, "SuccessfulDelete", $"Deleted pod: {pod.Name()}");
    }

    public static bool IsReady(JsonObject pod) => !pod.IsTerminating() && Conditions.IsTrue(pod, "Ready");
}
