using k8s;
using k8s.Autorest;
using k8s.Models;
using Plural.AgentK.GitOps;
using Plural.Protocol.Agent;
using static Plural.AgentK.Tests.GitOps.GitOpsWorld;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>Manifest syncs sent down a session, applied by the agent to an emulated cluster.</summary>
public sealed class ManifestSyncTests : IAsyncLifetime
{
    private GitOpsWorld _world = null!;

    private IKubernetes Admin => _world.Admin;

    private CommandGateway Gateway => _world.Gateway;

    public async Task InitializeAsync()
    {
        _world = await GitOpsWorld.StartAsync();
        await _world.StartAgentAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task The_last_sync_of_each_target_rides_the_heartbeat_as_a_condition_naming_the_first_failure()
    {
        await Gateway.SendAsync(Sync("web", "c1aaaaaaaaaaaaaa", prune: false,
            ("ns.yaml", Manifests.Namespace("apps")),
            ("cm.yaml", Manifests.ConfigMap("fine", "a")),
            ("broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")));
        await Gateway.ReportAsync(r => r.Commit == "c1aaaaaaaaaaaaaa", Patience);

        var condition = await Plural.Testing.Eventually.UntilAsync(
            () => Task.FromResult(Gateway.LastHeartbeat?.Conditions.FirstOrDefault(c => c.Type == "gitops/web")),
            c => c is not null, Patience, "the gitops condition in a heartbeat");

        Assert.False(condition!.Ok, condition.Message);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(condition.Message, @"^commit c1aaaaaaaaaa at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: 1 of 3 objects failed; broken.yaml#0: the document has no metadata\.name"), condition.Message);
    }

    [Fact]
    public async Task The_agent_declares_gitops_and_applies_every_document_with_server_side_apply()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: true,
            ("web/app.yaml", Manifests.Deployment("frontend", 2)),
            ("web/app.yaml", Manifests.ConfigMap("settings", "hello")),
            ("web/namespace.yaml", Manifests.Namespace("apps"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c1", Patience);
        Assert.Contains(GitOpsReporter.GitOpsCapability, Gateway.Hello!.Capabilities);
        Assert.False(report.Reapply);
        Assert.Equal(["web/app.yaml#0 Deployment apps/frontend", "web/app.yaml#1 ConfigMap apps/settings", "web/namespace.yaml#0 Namespace /apps"],
            report.Objects.Select(o => $"{o.Path}#{o.Index} {o.Kind} {o.Namespace}/{o.Name}"));
        Assert.All(report.Objects, o => Assert.Equal(ObjectSyncState.Applied, o.State));

        var deployment = await Admin.AppsV1.ReadNamespacedDeploymentAsync("frontend", "apps");
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Contains(deployment.Metadata.ManagedFields, f => f.Manager == KubernetesApplyClient.FieldManager && f.Operation == "Apply");
        Assert.Equal("hello", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "apps")).Data["greeting"]);
        var inventory = await Admin.CoreV1.ReadNamespacedConfigMapAsync("plural-inventory-web", "kube-system");
        Assert.Contains("frontend", inventory.Data["objects"]);
    }

    [Fact]
    public async Task A_changed_document_updates_its_object()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: true, ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("settings", "hello"))));
        await Gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await Gateway.SendAsync(Sync("web", "c2", prune: true, ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("settings", "bonjour"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        Assert.All(report.Objects, o => Assert.Equal(ObjectSyncState.Applied, o.State));
        Assert.Equal("bonjour", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "apps")).Data["greeting"]);
    }

    [Fact]
    public async Task An_object_removed_from_git_is_pruned_when_prune_is_on()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: true,
            ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("keep", "a")), ("old.yaml", Manifests.ConfigMap("old", "b"))));
        await Gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await Gateway.SendAsync(Sync("web", "c2", prune: true, ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("keep", "a"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        var pruned = Assert.Single(report.Objects, o => o.State == ObjectSyncState.Pruned);
        Assert.Equal(("old.yaml", "ConfigMap", "apps", "old"), (pruned.Path, pruned.Kind, pruned.Namespace, pruned.Name));
        await AssertGoneAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("old", "apps"));
        Assert.NotNull(await Admin.CoreV1.ReadNamespacedConfigMapAsync("keep", "apps"));
    }

    [Fact]
    public async Task An_object_removed_from_git_stays_when_prune_is_off()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: false, ("ns.yaml", Manifests.Namespace("apps")), ("old.yaml", Manifests.ConfigMap("old", "b"))));
        await Gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await Gateway.SendAsync(Sync("web", "c2", prune: false, ("ns.yaml", Manifests.Namespace("apps"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        Assert.DoesNotContain(report.Objects, o => o.State == ObjectSyncState.Pruned);
        Assert.Equal("b", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("old", "apps")).Data["greeting"]);
    }

    [Fact]
    public async Task A_bad_document_is_reported_with_its_path_index_and_reason_and_the_rest_is_applied()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: true,
            ("ns.yaml", Manifests.Namespace("apps")),
            ("cm.yaml", Manifests.ConfigMap("kept", "a")),
            ("cm.yaml", Manifests.ConfigMap("second", "b"))));
        await Gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await Gateway.SendAsync(Sync("web", "c2", prune: true,
            ("ns.yaml", Manifests.Namespace("apps")),
            ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept\ndata: [unclosed"),
            ("cm.yaml", Manifests.ConfigMap("second", "changed")),
            ("broken/tabs.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n\tdata: 1\n"),
            ("broken/unknown.yaml", "apiVersion: example.com/v9\nkind: Gadget\nmetadata:\n  name: g\n"),
            ("broken/nameless.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n"),
            ("broken/invalid.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: no-spec\nspec:\n  replicas: -3\n")));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        var failed = report.Objects.Where(o => o.State == ObjectSyncState.Failed).ToDictionary(o => $"{o.Path}#{o.Index}", o => o.Message);
        Assert.Equal(["broken/invalid.yaml#0", "broken/nameless.yaml#0", "broken/tabs.yaml#0", "broken/unknown.yaml#0", "cm.yaml#0"],
            failed.Keys.Order(StringComparer.Ordinal));
        Assert.Matches("^the document is not valid YAML: line [45], column [0-9]+: ", failed["broken/tabs.yaml#0"]);
        Assert.StartsWith("the document is not valid YAML", failed["cm.yaml#0"]);
        Assert.Contains("has no metadata.name", failed["broken/nameless.yaml#0"]);
        Assert.Equal("the cluster does not serve kind Gadget in example.com/v9", failed["broken/unknown.yaml#0"]);
        Assert.StartsWith("422 Invalid: ", failed["broken/invalid.yaml#0"]);
        Assert.Equal("changed", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("second", "apps")).Data["greeting"]);
        // The object of a document that failed is still wanted: it is neither pruned nor forgotten.
        Assert.DoesNotContain(report.Objects, o => o.State == ObjectSyncState.Pruned);
        Assert.Equal("a", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("kept", "apps")).Data["greeting"]);
    }

    [Fact]
    public async Task A_namespace_and_its_objects_apply_together_whatever_the_document_order()
    {
        await Gateway.SendAsync(Sync("platform", "c1", prune: true,
            ("a/widget.yaml", Manifests.Widget("blue", "tools")),
            ("b/config.yaml", Manifests.ConfigMap("tooling", "x", ns: "tools")),
            ("c/crd.yaml", Manifests.WidgetCrd),
            ("z/namespace.yaml", Manifests.Namespace("tools"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c1", Patience);
        Assert.All(report.Objects, o => Assert.True(o.State == ObjectSyncState.Applied, $"{o.Path}: {o.State} {o.Message}"));
        Assert.Equal(4, report.Objects.Count);
        var widget = await Admin.CustomObjects.GetNamespacedCustomObjectAsync<System.Text.Json.JsonElement>("example.com", "v1", "tools", "widgets", "blue");
        Assert.Equal(3, widget.GetProperty("spec").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task A_removed_target_prunes_everything_it_applied_and_its_inventory()
    {
        await Gateway.SendAsync(Sync("web", "c1", prune: true, ("ns.yaml", Manifests.Namespace("apps")), ("cm.yaml", Manifests.ConfigMap("settings", "a"))));
        await Gateway.ReportAsync(r => r.Commit == "c1", Patience);

        await Gateway.SendAsync(new ManifestSync { Target = "web", Commit = "c2", Prune = true, Removed = true });

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        Assert.Equal(["ConfigMap settings", "Namespace apps"], report.Objects.Where(o => o.State == ObjectSyncState.Pruned).Select(o => $"{o.Kind} {o.Name}").Order());
        await AssertGoneAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("plural-inventory-web", "kube-system"));
        await Eventually(async () => await IsGoneAsync(() => Admin.CoreV1.ReadNamespaceAsync("apps")), "namespace apps deleted");
    }

    [Fact]
    public async Task A_newer_sync_supersedes_a_running_one_and_prunes_what_it_had_applied()
    {
        await Gateway.SendAsync(Sync("web", "c0", prune: true, ("ns.yaml", Manifests.Namespace("apps"))));
        await Gateway.ReportAsync(r => r.Commit == "c0", Patience);
        // Enough objects that c1 is still applying when c2 arrives, even on an idle machine where one apply takes a millisecond.
        var many = Enumerable.Range(0, 2000).Select(i => ($"cm/{i}.yaml", Manifests.ConfigMap($"cm-{i}", "v"))).Prepend(("ns.yaml", Manifests.Namespace("apps")));

        await Gateway.SendAsync(Sync("web", "c1", prune: true, [.. many]));
        await Eventually(async () => (await Admin.CoreV1.ListNamespacedConfigMapAsync("apps")).Items.Any(c => c.Metadata.Name.StartsWith("cm-")), "c1 under way");
        await Gateway.SendAsync(Sync("web", "c2", prune: true, ("ns.yaml", Manifests.Namespace("apps")), ("final.yaml", Manifests.ConfigMap("final", "v"))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        Assert.Contains(_world.Logs.Entries, e => e.EventId == 703);
        Assert.DoesNotContain(Gateway.Reports, r => r.Commit == "c1");
        Assert.Contains(report.Objects, o => o.State == ObjectSyncState.Pruned);
        var left = (await Admin.CoreV1.ListNamespacedConfigMapAsync("apps")).Items.Select(c => c.Metadata.Name).Where(n => n.StartsWith("cm-") || n == "final");
        Assert.Equal(["final"], left);
    }

    internal static async Task AssertGoneAsync<T>(Func<Task<T>> read) => Assert.True(await IsGoneAsync(read), "the object still exists");

    internal static async Task<bool> IsGoneAsync<T>(Func<Task<T>> read)
    {
        try
        {
            await read();
            return false;
        }
        catch (HttpOperationException missing) when (missing.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    internal static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }
}
