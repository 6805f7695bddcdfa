using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Seeding;

/// <summary>The demo workload set loaded at start unless the emulator runs empty.</summary>
internal static class SampleWorkloads
{
    public static void Seed(ObjectService objects, ResourceRegistry registry)
    {
        foreach (var document in YamlJson.ParseAll(SampleManifests.Yaml).OfType<JsonObject>())
        {
            var kind = registry.FindByKind(document.Str("apiVersion") ?? "", document.Str("kind") ?? "")
                ?? throw new InvalidOperationException($"sample manifest has unknown kind {document.Str("kind")}");
            objects.Create(kind, kind.Namespaced ? document.Namespace() ?? "default" : null, document, null);
        }
    }
}
