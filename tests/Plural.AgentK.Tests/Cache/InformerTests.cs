using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Cache;
using Plural.AgentK.Tests.Infrastructure;
using Plural.KubeEmulator;

namespace Plural.AgentK.Tests.Cache;

/// <summary>The informers against a real (emulated) API server, through KubernetesClient.</summary>
public sealed class InformerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("agentk-informers-");
    private KubeEmulatorServer _emulator = null!;
    private IKubernetes _admin = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartEmulatorAsync(Action<KubeEmulatorOptions>? configure = null)
    {
        var options = new KubeEmulatorOptions { Port = 0 };
        configure?.Invoke(options);
        _emulator = await KubeEmulatorServer.StartAsync(options);
        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "token"), _emulator.AgentToken);
        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "ca.pem"), _emulator.CertificateAuthorityPem);
        var kubeconfig = Path.Combine(_files.FullName, "admin.kubeconfig");
        await _emulator.WriteKubeconfigAsync(kubeconfig);
        _admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
    }

    private Task<AgentUnderTest> StartAgentAsync(FakeGateway gateway, params (string Key, string Value)[] settings) =>
        AgentUnderTest.StartAsync(gateway, configure: s =>
        {
            s["Agent:Upstream:Url"] = _emulator.Url.ToString();
            s["Agent:Upstream:BearerTokenFile"] = Path.Combine(_files.FullName, "token");
            s["Agent:Upstream:CaFile"] = Path.Combine(_files.FullName, "ca.pem");
            s["Agent:Cache:Enabled"] = "true";
            foreach (var (key, value) in settings)
            {
                s[key] = value;
            }
        });

    [Fact]
    public async Task Informers_list_every_kind_then_follow_workload_changes()
    {
        await StartEmulatorAsync();
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await StartAgentAsync(gateway);
        var cache = agent.Services.GetRequiredService<ClusterCache>();
        var changes = new ConcurrentQueue<CacheChange>();
        cache.Changed += changes.Enqueue;

        await Eventually.HoldsAsync(() => cache.Synced, Timeout, "every kind synced");
        var pods = await _admin.CoreV1.ListPodForAllNamespacesAsync();
        Assert.Equal(pods.Items.Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Order(),
            cache.Objects("pods").Select(p => p.Key).Order());
        Assert.Equal(2, cache.Objects("nodes").Count());
        Assert.Contains(cache.Objects("deployments"), d => d.Key == "shop/frontend" && d.Field(FieldPaths.AvailableReplicas) == "3");

        await _admin.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":5}}", V1Patch.PatchType.MergePatch), "frontend", "shop");
        await Eventually.HoldsAsync(() => cache.Objects("pods").Count(p => p.Namespace == "shop" && p.Name.StartsWith("frontend-") && p.Field(FieldPaths.Phase) == "Running") == 5,
            Timeout, "5 frontend pods running in the cache");
        // The deployment's status follows its pods: deleting it before it reports 5 available would leave no such change.
        await Eventually.HoldsAsync(() => cache.Objects("deployments").Any(d => d.Key == "shop/frontend" && d.Field(FieldPaths.AvailableReplicas) == "5"),
            Timeout, "frontend at 5 available in the cache");
        await _admin.AppsV1.DeleteNamespacedDeploymentAsync("frontend", "shop");
        await Eventually.HoldsAsync(() => !cache.Objects("pods").Any(p => p.Name.StartsWith("frontend-")), Timeout, "frontend pods gone from the cache");

        Assert.Contains(changes, c => c is { Type: "MODIFIED", Object.Kind: "Deployment", Object.Name: "frontend", Object.Summary: "5/5 available" });
        Assert.Contains(changes, c => c is { Type: "DELETED", Object.Kind: "Deployment", Object.Name: "frontend" });
        Assert.Equal(5, changes.Count(c => c is { Type: "DELETED", Object.Kind: "Pod" } && c.Object.Name.StartsWith("frontend-")));
    }

    [Fact]
    public async Task An_expired_resource_version_makes_the_informer_list_again_and_the_cache_stays_right()
    {
        await StartEmulatorAsync(o =>
        {
            o.WatchHistorySize = 10;
            o.BookmarkInterval = TimeSpan.FromHours(1);
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await StartAgentAsync(gateway, ("Agent:Cache:Kinds:0", "pods"), ("Agent:Cache:Kinds:1", "deployments"),
            ("Agent:Cache:WatchTimeout", "00:00:01"));
        var cache = agent.Services.GetRequiredService<ClusterCache>();
        var informers = agent.Services.GetRequiredService<InformerService>();
        await Eventually.HoldsAsync(() => cache.Synced, Timeout, "pods and deployments synced");
        // The sample pods are still starting; a pod event after the churn would carry the pod watch past it.
        var lastChange = DateTime.UtcNow;
        cache.Changed += _ => lastChange = DateTime.UtcNow;
        await Eventually.HoldsAsync(() => DateTime.UtcNow - lastChange > TimeSpan.FromSeconds(2), Timeout, "the sample workloads settled");

        for (var i = 0; i < 30; i++)
        {
            await _admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"churn-{i}" } }, "default");
        }

        await Eventually.HoldsAsync(() => informers.Relists >= 2, Timeout, "both informers listing again: " + string.Join(" | ", agent.Logs.Entries.Select(e => e.EventId + " " + e.Message)));
        await _admin.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":1}}", V1Patch.PatchType.MergePatch), "frontend", "shop");

        await Eventually.HoldsAsync(() => cache.Objects("pods").Count(p => p.Name.StartsWith("frontend-")) == 1, Timeout, "one frontend pod left");
        Assert.DoesNotContain(agent.Logs.Entries, e => e.Message.Contains("failed"));
        Assert.Contains(agent.Logs.Entries, m => m.Message.Contains("410 Gone"));
        var actual = await _admin.CoreV1.ListPodForAllNamespacesAsync();
        Assert.Equal(actual.Items.Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").Order(), cache.Objects("pods").Select(p => p.Key).Order());
    }

    [Fact]
    public async Task An_api_server_that_refuses_the_agent_leaves_the_cache_unsynced_and_is_retried()
    {
        await StartEmulatorAsync();
        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "token"), "not-a-token");
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await StartAgentAsync(gateway, ("Agent:Cache:Kinds:0", "pods"), ("Agent:Cache:InitialBackoff", "00:00:00.100"));
        var cache = agent.Services.GetRequiredService<ClusterCache>();

        await Eventually.HoldsAsync(() => agent.Logs.Entries.Any(m => m.Message.Contains("Informer for pods failed: HTTP 401")), Timeout, "the failure logged");
        Assert.False(cache.Synced);

        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "token"), _emulator.AgentToken);
        await Eventually.HoldsAsync(() => cache.Synced, Timeout, "pods synced once the token is right");
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _files.Delete(recursive: true);
    }
}
