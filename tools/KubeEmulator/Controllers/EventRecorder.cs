using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Writes core/v1 Events about objects, so <c>kubectl describe</c> and <c>get events</c> show what the controllers did.</summary>
internal sealed class EventRecorder(ObjectService objects)
{
    public void Record(JsonObject involved, string reason, string message, string type = "Normal", string component = "kube-emulator")
    {
        var ns = involved.Namespace() ?? "default";
        if (objects.Find(BuiltInKinds.Namespace, null, ns) is not { } n || n.IsTerminating()) return;
        var now = KubeTime.Format(objects.Now);
        objects.Create(BuiltInKinds.Event, ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["generateName"] = involved.Name() + "." },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = involved.Str("kind"),
                ["namespace"] = involved.Namespace(),
                ["name"] = involved.Name(),
                ["uid"] = involved.Uid(),
                ["apiVersion"] = involved.Str("apiVersion"),
                ["resourceVersion"] = involved.Str("metadata", "resourceVersion"),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["type"] = type,
            ["source"] = new JsonObject { ["component"] = component },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["reportingComponent"] = component,
            ["reportingInstance"] = component,
        }, null);
    }
}
