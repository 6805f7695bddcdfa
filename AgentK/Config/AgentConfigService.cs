using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Dynamic;
using Plural.AgentK.GitOps;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Config;

/// <summary>
/// Puts agent configurations in force one at a time, newest first: the informer set (<c>cached_kinds</c>, resolved
/// against the API server's discovery) and the GitOps re-apply interval change without a restart, and each
/// configuration is answered with what took effect. The newest one is put in force again when custom resource
/// definitions change (<see cref="Rediscover"/>).
/// </summary>
internal sealed class AgentConfigService(
    InformerService informers,
    ClusterCache cache,
    ApiDiscovery discovery,
    KubernetesJsonClient json,
    GitOpsService gitOps,
    AgentConfigReporter reporter,
    IOptions<CacheOptions> cacheOptions,
    ILogger<AgentConfigService> logger) : BackgroundService
{
    // Only the newest configuration matters; one that arrives while another is applied replaces any still waiting.
    private readonly Channel<AgentConfig> _received = Channel.CreateBounded<AgentConfig>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private AgentConfig? _current;

    public void Submit(AgentConfig config) => _received.Writer.TryWrite(config);

    /// <summary>
    /// Puts the configuration in force again, because what the API server serves changed (a custom resource
    /// definition came or went): kinds it names that were not served are watched now, kinds no longer served stop.
    /// </summary>
    public void Rediscover()
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            Submit(current);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var config in _received.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    Volatile.Write(ref _current, config);
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
            IReadOnlyList<DiscoveredResource>? discovered = null;
            try
            {
                discovered = await discovery.DiscoverAsync(ct);
            }
            catch (Exception failure) when (failure is HttpRequestException or KubernetesRequestException or System.Text.Json.JsonException)
            {
                // An API server that cannot answer now may later: built-in kinds are still chosen, and the informers retry.
                ConfigLog.DiscoveryFailed(logger, config.Version, failure.Message);
            }

            var selection = KindSelection.Read(config.CachedKinds, cacheOptions.Value.EffectiveKinds, discovered, cacheOptions.Value.DefaultBudget, json);
            applied.RejectedKinds.AddRange(selection.Rejected);
            await informers.SetKindsAsync(selection.Kinds);
            // Built-in kinds by their plural, as configurations name them; any other by plural.group, which is unambiguous.
            applied.CachedKinds.AddRange(selection.Kinds.Keys.Select(k => ResourceKinds.Find(k.Group, k.Plural) is not null ? k.Plural : k.GroupResource));
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
