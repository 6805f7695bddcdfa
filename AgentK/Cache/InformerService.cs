using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Cache;

/// <summary>Runs one informer per configured kind into the <see cref="ClusterCache"/>, independently of the gateway connection.</summary>
internal sealed class InformerService(
    ClusterCache cache,
    KubernetesClientFactory clients,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<InformerService> logger) : BackgroundService
{
    private readonly List<KindInformer> _informers = [];

    /// <summary>Re-lists after the first list, over all kinds.</summary>
    public int Relists => _informers.Sum(i => i.Relists);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        // Let the host finish starting: a co-hosting process must not wait on the first list.
        await Task.Yield();
        using var client = clients.Create();
        foreach (var store in cache.Stores)
        {
            _informers.Add(new KindInformer(store, cache, client, options.Value.Cache, clock, logger));
        }

        CacheLog.Started(logger, string.Join(", ", cache.Stores.Select(s => s.Kind.Plural)));
        await Task.WhenAll(_informers.Select(i => i.RunAsync(stoppingToken)));
    }
}
