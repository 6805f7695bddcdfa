using Plural.KubeEmulator.Api;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Marks CRDs Established and NamesAccepted; their kinds are served from the moment they are stored.</summary>
internal sealed class CrdController(ObjectService objects) : IReconciler
{
    public void Reconcile()
    {
        foreach (var crd in objects.List(BuiltInKinds.CustomResourceDefinition).Where(c => !c.IsTerminating() && !Conditions.IsTrue(c, "Established")))
        {
            objects.Change(BuiltInKinds.CustomResourceDefinition, null, crd.Name(), c =>
            {
                var status = c.Obj("status");
                status["acceptedNames"] = c.At("spec", "names")?.DeepClone();
                status["storedVersions"] = new JsonArray(c.At("spec", "versions").Objects().Where(v => v.Bool("storage") == true).Select(v => (JsonNode?)v.Str("name")).ToArray());
                Conditions.Set(status, "NamesAccepted", true, "NoConflicts", "no conflicts found", objects.Now);
                Conditions.Set(status, "Established", true, "InitialNamesAccepted", "the initial names have been accepted", objects.Now);
                return c;
            }, null, "status");
        }
    }
}
