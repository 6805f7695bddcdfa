using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Owner-reference garbage collection: dependents of vanished owners are deleted (Background),
/// owners held by <c>foregroundDeletion</c> wait for their dependents to go, owners held by
/// <c>orphan</c> release their dependents first. Objects of deleted CRDs are removed too.
/// </summary>
internal sealed class GarbageCollector(ObjectService objects, ResourceRegistry registry) : IReconciler
{
    public void Reconcile()
    {
        var kinds = registry.All().GroupBy(k => k.StorageKey).ToDictionary(g => g.Key, g => g.First());
        var all = new List<(ResourceKind Kind, JsonObject Object)>();
        foreach (var key in objects.Store.StorageKeys())
        {
            if (!kinds.TryGetValue(key, out var kind))
            {
                foreach (var o in objects.Store.List(key, null).Items) objects.Store.Write(key, o.Namespace(), o.Name(), _ => StoreWrite.Delete);
                continue;
            }
            all.AddRange(objects.List(kind).Select(o => (kind, o)));
        }
        var uids = all.Select(e => e.Object.Uid()).ToHashSet();
        foreach (var (kind, o) in all)
        {
            var finalizers = o.At("metadata", "finalizers").Strings().ToList();
            if (o.IsTerminating() && finalizers.Contains(Finalizers.Foreground)) Foreground(kind, o, all);
            else if (o.IsTerminating() && finalizers.Contains(Finalizers.Orphan)) Orphan(kind, o, all);
            var owners = o.OwnerUids().ToList();
            if (owners.Count > 0 && owners.All(uid => !uids.Contains(uid)) && !o.IsTerminating())
                objects.Delete(kind, o.Namespace(), o.Name(), DeleteRequest.Background);
        }
    }

    private void Foreground(ResourceKind kind, JsonObject owner, List<(ResourceKind Kind, JsonObject Object)> all)
    {
        var dependents = Dependents(owner, all).ToList();
        foreach (var (dk, d) in dependents.Where(d => !d.Object.IsTerminating()))
            objects.Delete(dk, d.Namespace(), d.Name(), new DeleteRequest("Foreground"));
        if (dependents.Count == 0) RemoveFinalizer(kind, owner, Finalizers.Foreground);
    }

    private void Orphan(ResourceKind kind, JsonObject owner, List<(ResourceKind Kind, JsonObject Object)> all)
    {
        foreach (var (dk, d) in Dependents(owner, all))
        {
            objects.Change(dk, d.Namespace(), d.Name(), c =>
            {
                var refs = c.At("metadata", "ownerReferences").Objects().Where(r => r.Str("uid") != owner.Uid()).Select(r => (JsonNode)r.CloneObject()).ToArray();
                if (refs.Length == 0) c.Metadata().Remove("ownerReferences");
                else c.Metadata()["ownerReferences"] = new JsonArray(refs);
                return c;
            }, null, null);
        }
        RemoveFinalizer(kind, owner, Finalizers.Orphan);
    }

    private static IEnumerable<(ResourceKind Kind, JsonObject Object)> Dependents(JsonObject owner, List<(ResourceKind Kind, JsonObject Object)> all) =>
        all.Where(e => e.Object.OwnerUids().Contains(owner.Uid()));

    private void RemoveFinalizer(ResourceKind kind, JsonObject o, string finalizer) =>
        objects.Change(kind, o.Namespace(), o.Name(), c =>
        {
            var rest = c.At("metadata", "finalizers").Strings().Where(f => f != finalizer).Select(f => (JsonNode)f).ToArray();
            c.Metadata()["finalizers"] = new JsonArray(rest);
            return c;
        }, null, null);
}
