using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Seeding;

/// <summary>
/// The emulator's own identities and the bindings that give them their rights (on top of the bootstrap
/// policy): the agent's service account may impersonate and write what GitOps applies, users made with
/// <see cref="KubeEmulatorUser.CanImpersonate"/> may impersonate, the read-only group may read everything,
/// and users the platform impersonates (group <c>plural:user</c>) are cluster admins until a test binds
/// them narrower rights. All are ordinary objects: delete or replace them like any binding.
/// </summary>
internal static class SeededAccess
{
    /// <summary>The group the platform gives every user it impersonates (<c>Gateway:Access:UserGroup</c>).</summary>
    public const string PlatformUserGroup = "plural:user";

    private static readonly string[] Read = ["get", "list", "watch"];

    public static void Seed(ObjectService objects, KubeEmulatorOptions options)
    {
        var impersonate = BootstrapRbac.Rule(["impersonate"], ["", "authentication.k8s.io"], ["users", "groups", "serviceaccounts", "uids", "userextras/*"]);
        BootstrapRbac.ClusterRole(objects, "kube-emulator:impersonator", [impersonate], bootstrap: false);
        // Tests that run an agent on the AgentToken let it apply whatever a repository holds without binding anything;
        // the shipped deploy/agentk RBAC runs under its own service account (plural-agent/agentk) in the deploy tests.
        BootstrapRbac.ClusterRole(objects, "kube-emulator:agentk", [impersonate, BootstrapRbac.Rule(["*"], ["*"], ["*"]), BootstrapRbac.Paths(["get"], ["*"])], bootstrap: false);
        BootstrapRbac.ClusterRole(objects, "kube-emulator:read-only", [BootstrapRbac.Rule(Read, ["*"], ["*"]), BootstrapRbac.Paths(["get"], ["*"])], bootstrap: false);

        var agent = KubeEmulatorOptions.AgentUserName.Split(':');
        BootstrapRbac.ClusterRoleBinding(objects, "kube-emulator:agentk", "kube-emulator:agentk", bootstrap: false,
            new JsonObject { ["kind"] = "ServiceAccount", ["name"] = agent[3], ["namespace"] = agent[2] });
        BootstrapRbac.ClusterRoleBinding(objects, "kube-emulator:read-only", "kube-emulator:read-only", bootstrap: false, BootstrapRbac.Group(KubeEmulatorOptions.ReadOnlyGroup));
        var impersonators = options.Users.Where(u => u.CanImpersonate).Select(u => BootstrapRbac.User(u.Name)).ToArray();
        if (impersonators.Length > 0) BootstrapRbac.ClusterRoleBinding(objects, "kube-emulator:impersonators", "kube-emulator:impersonator", bootstrap: false, impersonators);
        BootstrapRbac.ClusterRoleBinding(objects, "kube-emulator:platform-users", "cluster-admin", bootstrap: false, BootstrapRbac.Group(PlatformUserGroup));
    }
}
