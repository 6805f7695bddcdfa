using k8s;
using k8s.Models;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;
using static Plural.AgentK.Tests.GitOps.GitOpsWorld;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>The periodic re-apply: what someone changes by hand goes back to what Git says, without a new commit.</summary>
public sealed class DriftRepairTests : IAsyncLifetime
{
    private GitOpsWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await GitOpsWorld.StartAsync();
        await _world.StartAgentAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task An_edited_or_deleted_object_is_repaired_by_the_next_reapply()
    {
        var gateway = _world.Gateway;
        await gateway.SendAsync(new AgentConfig { Version = "cfg-1", ReapplyIntervalSeconds = 1 });
        await Eventually.HoldsAsync(() => gateway.ConfigsApplied.Any(c => c.Version == "cfg-1"), Patience, "the configuration answered");
        await gateway.SendAsync(Sync("web", "c1", prune: true,
            ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("settings", "hello")), ("extra.yaml", Manifests.ConfigMap("extra", "x"))));
        await gateway.ReportAsync(r => r.Commit == "c1" && !r.Reapply, Patience);

        await _world.Admin.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"data\":{\"greeting\":\"tampered\"}}", V1Patch.PatchType.MergePatch), "settings", "apps");
        await _world.Admin.CoreV1.DeleteNamespacedConfigMapAsync("extra", "apps");
        var seen = gateway.Reports.Count;

        var repaired = await gateway.ReportAsync(r => r.Commit == "c1" && r.Reapply, Patience, skip: seen);
        Assert.All(repaired.Objects, o => Assert.Equal(ObjectSyncState.Applied, o.State));
        Assert.Equal("hello", (await _world.Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "apps")).Data["greeting"]);
        Assert.Equal("x", (await _world.Admin.CoreV1.ReadNamespacedConfigMapAsync("extra", "apps")).Data["greeting"]);
    }

    [Fact]
    public async Task A_removed_target_is_no_longer_reapplied()
    {
        var gateway = _world.Gateway;
        await gateway.SendAsync(new AgentConfig { Version = "cfg-1", ReapplyIntervalSeconds = 1 });
        await gateway.SendAsync(Sync("web", "c1", prune: false, ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("settings", "hello"))));
        await gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await gateway.SendAsync(new ManifestSync { Target = "web", Commit = "c2", Removed = true });
        await gateway.ReportAsync(r => r.Commit == "c2", Patience);
        await _world.Admin.CoreV1.DeleteNamespacedConfigMapAsync("settings", "apps");

        // Several re-apply intervals pass: a target still re-applied would have recreated the ConfigMap by now.
        var quiet = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        while (DateTime.UtcNow < quiet)
        {
            Assert.True(await ManifestSyncTests.IsGoneAsync(() => _world.Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "apps")), "the removed target's ConfigMap came back");
            await Task.Delay(200);
        }

        Assert.DoesNotContain(gateway.Reports, r => r.Commit == "c2" && r.Reapply);
    }
}
