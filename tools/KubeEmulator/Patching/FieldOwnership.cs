using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Patching;

/// <summary>
/// Ownership bookkeeping for non-apply writes (create, update, patch): the writer takes the fields it
/// changed, and the previous owners of those fields lose them, without conflicts — the same rule the
/// real server follows for <c>Update</c> operations.
/// </summary>
internal static class FieldOwnership
{
    public static void RecordUpdate(ResourceKind kind, JsonObject? before, JsonObject after, string manager, string? subresource, DateTimeOffset now)
    {
        var statusOnly = subresource == "status";
        var afterFields = FieldPaths.Of(after, kind.MergeKeys, statusOnly);
        var changed = afterFields.Where(p => before is null || !FieldPaths.SameValue(FieldPaths.ValueAt(before, p), FieldPaths.ValueAt(after, p))).ToHashSet();
        var entries = before is null ? [] : ManagedFieldEntry.Read(before);
        foreach (var e in entries)
        {
            e.Fields.ExceptWith(changed);
            e.Fields.RemoveWhere(p => FieldPaths.ValueAt(after, p) is null);
        }
        if (changed.Count > 0)
        {
            var mine = entries.FirstOrDefault(e => e.SameOwner(manager, ManagedFieldEntry.Update, subresource));
            if (mine is null)
            {
                mine = new ManagedFieldEntry(manager, ManagedFieldEntry.Update, kind.ApiVersion, subresource, KubeTime.Format(now), []);
                entries.Add(mine);
            }
            mine.Fields.UnionWith(changed);
            entries[entries.IndexOf(mine)] = mine with { Time = KubeTime.Format(now) };
        }
        ManagedFieldEntry.Write(after, entries);
    }
}
