using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Applies one <see cref="ManifestSync"/>: every usable document with server-side apply in dependency order, then
/// prunes what the target applied before and no longer has, and records what it now owns in the inventory. One
/// document failing fails alone. A target that names a service account is applied and pruned as that account, so the
/// cluster's RBAC bounds what its Git may change; the inventory is always the agent's own.
/// </summary>
internal sealed class ManifestApplier(KubernetesApplyClient api, InventoryStore inventory, GitOpsOptions options, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan DiscoveryPoll = TimeSpan.FromMilliseconds(500);

    public async Task<ManifestSyncReport> ApplyAsync(ManifestSync sync, bool reapply, CancellationToken ct)
    {
        var report = new ManifestSyncReport { Target = sync.Target, Commit = sync.Commit, Reapply = reapply };
        var defaultNamespace = sync.DefaultNamespace.Length > 0 ? sync.DefaultNamespace : "default";
        var documents = sync.Removed
            ? []
            : sync.Documents.Select(d => ManifestParser.Parse(d.Path, d.Index, d.Yaml, defaultNamespace)).OfType<ManifestObject>().ToList();

        IReadOnlyList<InventoryEntry> previous;
        try
        {
            previous = await inventory.ReadAsync(sync.Target, ct);
        }
        catch (InventoryException failure)
        {
            report.Objects.AddRange(documents.Select(d => Result(d, d.Identity, ObjectSyncState.Failed, failure.Message)));
            return Finish(report);
        }

        var run = new SyncRun(previous);
        var actingAs = sync.ServiceAccount.Length > 0 ? $"system:serviceaccount:{defaultNamespace}:{sync.ServiceAccount}" : null;
        try
        {
            await ApplyDocumentsAsync(documents, run, report, actingAs, ct);
            if (sync.Prune)
            {
                await PruneAsync(run, report, actingAs, ct);
            }

            await RecordAsync(sync, run, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Superseded or stopping: what was applied or pruned so far must still be on record, or it could never be pruned.
            using var recording = new CancellationTokenSource(options.RequestTimeout * 2);
            await RecordAsync(sync, run, recording.Token);
            throw;
        }
        catch (InventoryException failure)
        {
            GitOpsLog.InventoryFailed(logger, sync.Target, failure.Message);
            report.Objects.Add(new ObjectSyncResult
            {
                Path = "", Kind = "ConfigMap", ApiVersion = "v1", Namespace = inventory.Namespace, Name = InventoryStore.NameOf(sync.Target),
                State = ObjectSyncState.Failed, Message = failure.Message,
            });
        }

        return Finish(report);
    }

    private async Task ApplyDocumentsAsync(List<ManifestObject> documents, SyncRun run, ManifestSyncReport report, string? actingAs, CancellationToken ct)
    {
        var resources = new ApiResources(api, actingAs);
        var seen = new Dictionary<string, ManifestObject>(StringComparer.Ordinal);
        var kindsDefined = false;
        foreach (var tier in documents.Where(d => d.Identity is not null).GroupBy(d => ApplyOrder.Tier(d.Identity!)).OrderBy(g => g.Key))
        {
            foreach (var document in tier)
            {
                ct.ThrowIfCancellationRequested();
                var identity = document.Identity!;
                run.Desired.Add(identity.Key);
                if (!seen.TryAdd(identity.Key, document))
                {
                    run.Fail(document);
                    report.Objects.Add(Result(document, identity, ObjectSyncState.Failed, $"{identity} is also defined in {seen[identity.Key].Source}"));
                    continue;
                }

                var (state, message, applied) = await ApplyOneAsync(document, run, resources, kindsDefined, actingAs, ct);
                if (applied is not null)
                {
                    identity = applied;
                    run.Desired.Add(identity.Key);
                    run.Record(new InventoryEntry(identity, document.Path, document.Index));
                    kindsDefined |= ApplyOrder.DefinesKinds(tier.Key);
                }
                else
                {
                    run.Fail(document);
                }

                report.Objects.Add(Result(document, identity, state, message));
            }

            if (kindsDefined && ApplyOrder.DefinesKinds(tier.Key))
            {
                resources.Forget();
            }
        }

        foreach (var unusable in documents.Where(d => d.Identity is null))
        {
            run.Fail(unusable);
            report.Objects.Add(Result(unusable, null, ObjectSyncState.Failed, unusable.Error!));
        }

        // Applied in dependency order, reported in the order of the repository.
        var ordered = report.Objects.OrderBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Index).ToList();
        report.Objects.Clear();
        report.Objects.AddRange(ordered);
    }

    /// <summary>Applies one document; returns the applied identity (namespace cleared for cluster-scoped kinds) on success.</summary>
    private async Task<(ObjectSyncState State, string? Message, ObjectIdentity? Applied)> ApplyOneAsync(
        ManifestObject document, SyncRun run, ApiResources resources, bool kindsDefined, string? actingAs, CancellationToken ct)
    {
        var identity = document.Identity!;
        ApiResource? resource;
        try
        {
            resource = await FindAsync(resources, identity, kindsDefined, ct);
        }
        catch (ApiResourcesUnavailableException failure)
        {
            return (ObjectSyncState.Failed, failure.Message, null);
        }

        if (resource is null)
        {
            return (ObjectSyncState.Failed, $"the cluster does not serve kind {identity.Kind} in {identity.ApiVersion}", null);
        }

        var target = resource.Namespaced ? identity : identity with { Namespace = "" };
        var entry = new InventoryEntry(target, document.Path, document.Index);
        var before = run.RecordInFlight(entry);
        var result = await api.ApplyAsync(resource.PathOf(identity.Namespace, identity.Name), document.Yaml, ct, actingAs);
        if (!result.Succeeded)
        {
            run.Withdraw(entry, before);
            return (ObjectSyncState.Failed, result.Reason, null);
        }

        return (ObjectSyncState.Applied, null, target);
    }

    private async Task<ApiResource?> FindAsync(ApiResources resources, ObjectIdentity identity, bool kindsDefined, CancellationToken ct)
    {
        var resource = await resources.FindAsync(identity.ApiVersion, identity.Kind, ct);
        // A CRD applied moments ago may not be served yet; a real API server takes a little while to establish it.
        var deadline = clock.GetTimestamp();
        while (resource is null && kindsDefined && clock.GetElapsedTime(deadline) < options.CrdEstablishTimeout)
        {
            await Task.Delay(DiscoveryPoll, clock, ct);
            resources.Forget();
            resource = await resources.FindAsync(identity.ApiVersion, identity.Kind, ct);
        }

        return resource;
    }

    /// <summary>Deletes what the target applied before and no longer has, containers last.</summary>
    private async Task PruneAsync(SyncRun run, ManifestSyncReport report, string? actingAs, CancellationToken ct)
    {
        var resources = new ApiResources(api, actingAs);
        foreach (var entry in run.PruneCandidates().OrderByDescending(e => ApplyOrder.Tier(e.Object)))
        {
            ct.ThrowIfCancellationRequested();
            var (state, message) = await DeleteAsync(entry.Object, resources, actingAs, ct);
            if (state == ObjectSyncState.Pruned)
            {
                run.Forget(entry);
            }

            report.Objects.Add(new ObjectSyncResult
            {
                Path = entry.Path, Index = entry.Index, ApiVersion = entry.Object.ApiVersion, Kind = entry.Object.Kind,
                Namespace = entry.Object.Namespace, Name = entry.Object.Name, State = state, Message = message ?? "",
            });
        }
    }

    private async Task<(ObjectSyncState State, string? Message)> DeleteAsync(ObjectIdentity identity, ApiResources resources, string? actingAs, CancellationToken ct)
    {
        ApiResource? resource;
        try
        {
            resource = await resources.FindAsync(identity.ApiVersion, identity.Kind, ct);
        }
        catch (ApiResourcesUnavailableException failure)
        {
            return (ObjectSyncState.PruneFailed, failure.Message);
        }

        if (resource is null)
        {
            // No longer served (its CRD went first): no object of it can exist.
            return (ObjectSyncState.Pruned, null);
        }

        var result = await api.DeleteAsync(resource.PathOf(identity.Namespace, identity.Name), ct, actingAs);
        return result.Succeeded || result.NotFound ? (ObjectSyncState.Pruned, null) : (ObjectSyncState.PruneFailed, result.Reason);
    }

    private async Task RecordAsync(ManifestSync sync, SyncRun run, CancellationToken ct)
    {
        if (sync.Removed && (!sync.Prune || run.Recorded.Count == 0))
        {
            // A removed target owns nothing any more: without prune its objects are left to whoever wants them.
            if (run.Previous.Count > 0)
            {
                await inventory.DeleteAsync(sync.Target, ct);
            }

            return;
        }

        if (run.Changed)
        {
            await inventory.WriteAsync(sync.Target, sync.Repository, sync.Commit, run.Recorded, ct);
        }
    }

    private ManifestSyncReport Finish(ManifestSyncReport report)
    {
        report.FinishedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        GitOpsLog.Synced(logger, report.Target, report.Commit, report.Reapply,
            report.Objects.Count(o => o.State == ObjectSyncState.Applied),
            report.Objects.Count(o => o.State == ObjectSyncState.Failed),
            report.Objects.Count(o => o.State == ObjectSyncState.Pruned),
            report.Objects.Count(o => o.State == ObjectSyncState.PruneFailed));
        return report;
    }

    private static ObjectSyncResult Result(ManifestObject document, ObjectIdentity? identity, ObjectSyncState state, string? message) => new()
    {
        Path = document.Path,
        Index = document.Index,
        ApiVersion = identity?.ApiVersion ?? "",
        Kind = identity?.Kind ?? "",
        Namespace = identity?.Namespace ?? "",
        Name = identity?.Name ?? "",
        State = state,
        Message = message ?? "",
    };
}
