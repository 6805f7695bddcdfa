using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Cache;

/// <summary>
/// Runs one informer per watched kind into the <see cref="ClusterCache"/>, independently of the gateway connection.
/// The agent configuration may change the kinds while the agent runs (<see cref="SetKindsAsync"/>).
/// </summary>
internal sealed class InformerService(
    ClusterCache cache,
    KubernetesClientFactory clients,
    IOptions<CacheOptions> options,
    CacheMeter meter,
    TimeProvider clock,
    ILogger<InformerService> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, RunningInformer> _running = [];
    private IKubernetes? _client;
    private CancellationToken _stopping;
    private int _stoppedRelists;

    /// <summary>Re-lists after the first list, over all kinds.</summary>
    public int Relists
    {
        get { lock (_gate) return _stoppedRelists + _running.Values.Sum(r => r.Informer.Relists); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        // Let the host finish starting: a co-hosting process must not wait on the first list.
        await Task.Yield();
        using var client = clients.Create();
        lock (_gate)
        {
            _client = client;
            _stopping = stoppingToken;
            foreach (var store in cache.Stores)
            {
                Start(store);
            }
        }

        CacheLog.Started(logger, string.Join(", ", cache.Stores.Select(s => s.Kind.Plural)));
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        Task[] running;
        lock (_gate)
        {
            _client = null;
            running = [.. _running.Values.Select(r => r.Task)];
        }

        await Task.WhenAll(running);
    }

    /// <summary>
    /// Watches exactly <paramref name="kinds"/>, each within its budget: starts informers for new kinds, stops those of
    /// kinds left out (their objects leave the cache), and keeps the others running with what they hold.
    /// </summary>
    public async Task SetKindsAsync(IReadOnlyDictionary<ResourceKind, KindBudget> kinds)
    {
        List<RunningInformer> stopped = [];
        lock (_gate)
        {
            foreach (var store in cache.Stores.Where(s => !kinds.ContainsKey(s.Kind)))
            {
                cache.Remove(store.Kind);
                if (_running.Remove(store.Kind, out var informer))
                {
                    informer.Stop.Cancel();
                    stopped.Add(informer);
                }
            }

            foreach (var (kind, budget) in kinds)
            {
                var added = cache.Store(kind) is null;
                var store = cache.Add(kind, budget);
                if (added && _client is not null)
                {
                    Start(store);
                }
            }
        }

        await Task.WhenAll(stopped.Select(s => s.Task));
        lock (_gate)
        {
            _stoppedRelists += stopped.Sum(s => s.Informer.Relists);
        }

        stopped.ForEach(s => s.Stop.Dispose());
        CacheLog.KindsChanged(logger, string.Join(", ", cache.Stores.Select(s => s.Kind.Plural)));
        // Views and readiness depend on which kinds are there, not only on their objects.
        cache.Publish([]);
    }

    private void Start(KindStore store)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        var informer = new KindInformer(store, cache, _client!, options.Value, meter, clock, logger);
        _running[store.Kind] = new RunningInformer(informer, stop, Task.Run(() => informer.RunAsync(stop.Token)));
    }

    private sealed record RunningInformer(KindInformer Informer, CancellationTokenSource Stop, Task Task);
}
