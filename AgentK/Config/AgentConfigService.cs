using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.GitOps;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Config;

/// <summary>
/// Puts agent configurations in force one at a time, newest first: the informer set (<c>cached_kinds</c>) and the
/// GitOps re-apply interval change without a restart, and each configuration is answered with what took effect.
/// </summary>
internal sealed class AgentConfigService(
    InformerService informers,
    ClusterCache cache,
    KubernetesApplyClient api,
    GitOpsService gitOps,
    AgentConfigReporter reporter,
    IOptions<CacheOptions> cacheOptions,
    ILogger<AgentConfigService> logger) : BackgroundService
{
    // Only the newest configuration matters; one that arrives while another is applied replaces any still waiting.
    private readonly Channel<AgentConfig> _received = Channel.CreateBounded<AgentConfig>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Submit(AgentConfig config) => _received.Writer.TryWrite(config);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var config in _received.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    reporter.Post(await ApplyAsync(config, stoppingToken));
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                {
                    ConfigLog.Failed(logger, config.Version, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<AgentConfigApplied> ApplyAsync(AgentConfig config, CancellationToken ct)
    {
        var applied = new AgentConfigApplied { Version = config.Version };
        gitOps.SetReapplyInterval(config.ReapplyIntervalSeconds);
        if (!cache.Enabled)
        {
            applied.RejectedKinds.AddRange(config.CachedKinds.Select(k => $"{k}: the agent runs no informers (Agent:Cache:Enabled is false)"));
        }
        else
        {
            var selection = KindSelection.Read(config.CachedKinds, cacheOptions.Value.EffectiveKinds);
            applied.RejectedKinds.AddRange(selection.Rejected);
            var served = new List<ResourceKind>();
            var resources = new ApiResources(api, actingAs: null);
            foreach (var kind in selection.Kinds)
            {
                var apiVersion = ResourceKinds.ApiVersionOf(kind);
                try
                {
                    if (await resources.FindAsync(apiVersion, kind.Kind, ct) is null)
                    {
                        applied.RejectedKinds.Add($"{kind.Plural}: the cluster does not serve {apiVersion}/{kind.Plural}");
                        continue;
                    }
                }
                catch (ApiResourcesUnavailableException failure)
                {
                    // An API server that cannot answer now may later: the informer retries with backoff.
                    ConfigLog.DiscoveryFailed(logger, config.Version, failure.Message);
                }

                served.Add(kind);
            }

            await informers.SetKindsAsync(served);
            applied.CachedKinds.AddRange(served.Select(k => k.Plural));
        }

        foreach (var rejection in applied.RejectedKinds)
        {
            ConfigLog.Rejected(logger, config.Version, rejection);
        }

        ConfigLog.Applied(logger, config.Version, config.Repository, config.Commit, string.Join(", ", applied.CachedKinds),
            applied.RejectedKinds.Count, gitOps.ReapplyInterval.TotalSeconds);
        return applied;
    }
}
