using k8s;
using k8s.Models;
using Plural.Protocol.Agent;
using static Plural.AgentK.Tests.GitOps.GitOpsWorld;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>
/// A sync target that names a service account is applied and pruned as that account: the cluster's RBAC decides what
/// its Git may change, and every object it may not write is reported with the API server's reason.
/// </summary>
public sealed class ServiceAccountSyncTests : IAsyncLifetime
{
    private const string Deployer = "system:serviceaccount:apps:web-deployer";

    private GitOpsWorld _world = null!;

    private IKubernetes Admin => _world.Admin;

    private CommandGateway Gateway => _world.Gateway;

    public async Task InitializeAsync()
    {
        _world = await GitOpsWorld.StartAsync();
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "apps" } });
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "elsewhere" } });
        // The account may edit its own namespace, and nothing else.
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "web-deployer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "edit" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "web-deployer", NamespaceProperty = "apps" }],
        }, "apps");
        await _world.StartAgentAsync();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Objects_the_targets_service_account_may_not_write_are_reported_with_the_api_servers_reason_and_the_rest_is_applied()
    {
        await Gateway.SendAsync(WithAccount(Sync("web", "c1", prune: true,
            ("app.yaml", Manifests.ConfigMap("settings", "hello")),
            ("other.yaml", Manifests.ConfigMap("intruder", "x", ns: "elsewhere")),
            ("ns.yaml", Manifests.Namespace("extra")))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c1", Patience);
        var outcomes = report.Objects.ToDictionary(o => o.Path, o => (o.State, o.Message));
        Assert.Equal((ObjectSyncState.Applied, ""), outcomes["app.yaml"]);
        Assert.Equal((ObjectSyncState.Failed,
            $"403 Forbidden: configmaps \"intruder\" is forbidden: User \"{Deployer}\" cannot patch resource \"configmaps\" in API group \"\" in the namespace \"elsewhere\""),
            outcomes["other.yaml"]);
        // A namespace is its own namespace to the API server's authorizer, so a refusal names it twice.
        Assert.Equal((ObjectSyncState.Failed,
            $"403 Forbidden: namespaces \"extra\" is forbidden: User \"{Deployer}\" cannot patch resource \"namespaces\" in API group \"\" in the namespace \"extra\""),
            outcomes["ns.yaml"]);
        Assert.Equal("hello", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("settings", "apps")).Data["greeting"]);
        await ManifestSyncTests.AssertGoneAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("intruder", "elsewhere"));
        // The inventory is the agent's own, whatever the target's account may do.
        Assert.Contains("settings", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("plural-inventory-web", "kube-system")).Data["objects"]);
    }

    [Fact]
    public async Task An_object_its_account_may_not_delete_is_reported_as_prune_failed_and_stays_on_record()
    {
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "writer" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get", "create", "patch"] }],
        }, "elsewhere");
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "web-deployer-writes" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "writer" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "web-deployer", NamespaceProperty = "apps" }],
        }, "elsewhere");
        await Gateway.SendAsync(WithAccount(Sync("web", "c1", prune: true,
            ("app.yaml", Manifests.ConfigMap("settings", "hello")), ("other.yaml", Manifests.ConfigMap("sticky", "x", ns: "elsewhere")))));
        var first = await Gateway.ReportAsync(r => r.Commit == "c1", Patience);
        Assert.All(first.Objects, o => Assert.Equal(ObjectSyncState.Applied, o.State));

        await Gateway.SendAsync(WithAccount(Sync("web", "c2", prune: true, ("app.yaml", Manifests.ConfigMap("settings", "hello")))));

        var report = await Gateway.ReportAsync(r => r.Commit == "c2", Patience);
        var refused = Assert.Single(report.Objects, o => o.Name == "sticky");
        Assert.Equal(ObjectSyncState.PruneFailed, refused.State);
        Assert.Equal($"403 Forbidden: configmaps \"sticky\" is forbidden: User \"{Deployer}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"elsewhere\"",
            refused.Message);
        Assert.Equal("x", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("sticky", "elsewhere")).Data["greeting"]);
        Assert.Contains("sticky", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("plural-inventory-web", "kube-system")).Data["objects"]);
    }

    private static ManifestSync WithAccount(ManifestSync sync)
    {
        sync.ServiceAccount = "web-deployer";
        return sync;
    }
}
