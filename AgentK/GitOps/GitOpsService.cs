using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Leadership;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Keeps one <see cref="SyncTarget"/> per target the server sent, independently of the session: a disconnected agent
/// keeps repairing drift with the manifests it has, and reports when it is connected again. Every replica keeps the
/// syncs it is sent, but only the leader applies them (see <see cref="SyncTarget"/>).
/// </summary>
internal sealed class GitOpsService : IHostedService, IDisposable
{
    private readonly GitOpsOptions _options;
    private readonly ManifestApplier _applier;
    private readonly PendingReports _reports;
    private readonly TimeProvider _clock;
    private readonly LeaderTerms _terms;
    private readonly ILogger<GitOpsService> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (SyncTarget Target, Task Running)> _targets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private TimeSpan _reapplyInterval;

    public GitOpsService(IOptions<GitOpsOptions> options, KubernetesApplyClient api, PendingReports reports, TimeProvider clock, LeaderTerms terms, ILogger<GitOpsService> logger)
    {
        _terms = terms;
        _options = options.Value;
        _applier = new ManifestApplier(api, new InventoryStore(api, _options.InventoryNamespace ?? "default"), _options, clock, logger);
        _reports = reports;
        _clock = clock;
        _logger = logger;
        _reapplyInterval = _options.ReapplyInterval;
    }

    /// <summary>The interval targets are applied again at, after the agent configuration's say.</summary>
    public TimeSpan ReapplyInterval
    {
        get { lock (_gate) return _reapplyInterval; }
    }

    /// <summary>Takes the interval from the agent configuration (0: the agent's default), raised to the agent's minimum.</summary>
    public void SetReapplyInterval(int seconds)
    {
        var interval = seconds > 0 ? TimeSpan.FromSeconds(seconds) : _options.ReapplyInterval;
        if (interval < _options.MinReapplyInterval)
        {
            interval = _options.MinReapplyInterval;
        }

        List<SyncTarget> targets;
        lock (_gate)
        {
            if (_reapplyInterval == interval)
            {
                return;
            }

            _reapplyInterval = interval;
            targets = [.. _targets.Values.Select(t => t.Target)];
        }

        targets.ForEach(t => t.Reschedule());
    }

    /// <summary>Hands a sync to its target's worker, starting one for a new target.</summary>
    public void Submit(ManifestSync sync)
    {
        if (!_options.Enabled)
        {
            // Not declared, so a gateway should not send it; one that does is ignored rather than obeyed.
            return;
        }

        if (sync.Target.Length == 0)
        {
            GitOpsLog.Unnamed(_logger);
            return;
        }

        GitOpsLog.Received(_logger, sync.Target, sync.Commit, sync.Documents.Count, sync.Prune, sync.Removed);
        SyncTarget target;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (!_targets.TryGetValue(sync.Target, out var known))
            {
                var created = new SyncTarget(sync.Target, _applier, _reports, () => ReapplyInterval, _terms, _clock, _logger);
                known = (created, Task.Run(() => created.RunAsync(_stopping.Token)));
                _targets[sync.Target] = known;
            }

            target = known.Target;
        }

        target.Submit(sync);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_gate)
        {
            _stopping.Cancel();
            running = [.. _targets.Values.Select(t => t.Running)];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();
}
