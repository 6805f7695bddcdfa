using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Sync reports waiting for a session. Only the newest report of a target matters, so while the agent is
/// disconnected a target holds at most one.
/// </summary>
internal sealed class PendingReports
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ManifestSyncReport> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ManifestSyncReport> _latest = new(StringComparer.Ordinal);
    private readonly ChangeSignal _added = new();

    public void Add(ManifestSyncReport report)
    {
        lock (_gate)
        {
            _pending[report.Target] = report;
            _latest[report.Target] = report;
        }

        _added.Signal();
    }

    /// <summary>The newest report of every target this process synced, sent or not, by target.</summary>
    public IReadOnlyList<ManifestSyncReport> Latest()
    {
        lock (_gate)
        {
            return [.. _latest.Values.OrderBy(r => r.Target, StringComparer.Ordinal)];
        }
    }

    /// <summary>Takes every pending report, waiting for one when none is.</summary>
    public async Task<IReadOnlyList<ManifestSyncReport>> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            var seen = _added.Version;
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    var taken = _pending.Values.ToList();
                    _pending.Clear();
                    return taken;
                }
            }

            await _added.WaitPastAsync(seen, ct);
        }
    }

    /// <summary>Puts back a report a failed session could not send, unless a newer one arrived meanwhile.</summary>
    public void Return(ManifestSyncReport report)
    {
        lock (_gate)
        {
            _pending.TryAdd(report.Target, report);
        }
    }
}
