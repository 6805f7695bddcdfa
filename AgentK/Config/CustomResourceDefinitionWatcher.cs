using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Dynamic;
using Plural.AgentK.Transport;

namespace Plural.AgentK.Config;

/// <summary>
/// Watches the cluster's CustomResourceDefinitions and, whenever one is created, changed (established, a version
/// served) or deleted, has the agent configuration put in force again, so that a configured custom resource is
/// cached as soon as the cluster serves it and dropped when it no longer does, without a restart.
/// </summary>
internal sealed class CustomResourceDefinitionWatcher(
    ClusterCache cache,
    KubernetesJsonClient api,
    AgentConfigService config,
    IOptions<CacheOptions> options,
    TimeProvider clock,
    ILogger<CustomResourceDefinitionWatcher> logger) : BackgroundService
{
    private const string Path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        await Task.Yield();
        var backoff = new ReconnectBackoff(new ReconnectOptions
        {
            InitialBackoff = options.Value.InitialBackoff,
            MaxBackoff = options.Value.MaxBackoff,
            Factor = 2,
            Jitter = 0.5,
        });
        string? listed = null;
        var expiredInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (version, names) = await ListAsync(stoppingToken);
                // A list after a failure may hide changes the watch missed; the first list is what the configuration saw.
                if (listed is not null && listed != names)
                {
                    ConfigLog.DefinitionsChanged(logger, "re-listed");
                    config.Rediscover();
                }

                listed = names;
                await WatchAsync(version, stoppingToken);
                backoff.Reset();
                expiredInARow = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesRequestException gone) when (gone.Status == System.Net.HttpStatusCode.Gone && ++expiredInARow == 1)
            {
                // Routine on a busy cluster, as for every informer: the next list carries a current version, and it
                // compares names and versions, so nothing the watch missed is lost. A second 410 in a row, from a
                // version just listed, is no longer routine and backs off as a failure.
                ConfigLog.DefinitionWatchExpired(logger);
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                var delay = backoff.Next();
                ConfigLog.DefinitionWatchFailed(logger, failure.Message, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The list's resourceVersion, and the definitions' names and versions as one comparable string.</summary>
    private async Task<(string Version, string Names)> ListAsync(CancellationToken ct)
    {
        using var list = await api.GetAsync(Path, ct)
            ?? throw new KubernetesRequestException(System.Net.HttpStatusCode.NotFound, "the cluster serves no CustomResourceDefinitions");
        var root = list.RootElement;
        var names = root.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata")).Select(m => $"{m.GetProperty("name").GetString()}@{m.GetProperty("resourceVersion").GetString()}")
            .Order(StringComparer.Ordinal);
        return (root.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "", string.Join(',', names));
    }

    /// <summary>Watches until the server ends the watch; every change of a definition puts the configuration in force again.</summary>
    private async Task WatchAsync(string version, CancellationToken ct)
    {
        var timeout = (int)Math.Max(1, options.Value.WatchTimeout.TotalSeconds);
        using var response = await api.OpenAsync($"{Path}?watch=1&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(version)}&timeoutSeconds={timeout}", ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var lines = new StreamReader(body);
        while (await lines.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var frame = JsonDocument.Parse(line);
            var type = frame.RootElement.GetProperty("type").GetString();
            if (type == "ERROR")
            {
                throw new KubernetesRequestException((System.Net.HttpStatusCode)(frame.RootElement.GetProperty("object").TryGetProperty("code", out var code) ? code.GetInt32() : 500),
                    "the watch of CustomResourceDefinitions ended with an error; listing again");
            }

            if (type is "ADDED" or "MODIFIED" or "DELETED")
            {
                var name = frame.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString();
                ConfigLog.DefinitionsChanged(logger, $"{type.ToLowerInvariant()} {name}");
                config.Rediscover();
            }
        }
    }
}
