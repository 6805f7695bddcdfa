using Plural.KubeEmulator.Tests.Support;
using Plural.Testing.Kubernetes;

namespace Plural.KubeEmulator.Tests.Rbac;

/// <summary>A cluster with sample workloads and a user <c>jane</c> who has a token and, at first, no bindings.</summary>
internal static class RbacUsers
{
    public const string Jane = "jane";
    public const string JaneToken = "jane-token";

    public static Task<TestCluster> StartAsync(Action<KubeEmulatorOptions>? configure = null) =>
        TestCluster.StartAsync(empty: false, configure: o =>
        {
            o.Users.Add(new KubeEmulatorUser(JaneToken, Jane, []));
            configure?.Invoke(o);
        });

    public static Task<Kubectl> JaneAsync(this TestCluster cluster) => cluster.KubectlForAsync(JaneToken, Jane);

    /// <summary>Binds jane to the ClusterRole <c>view</c> in one namespace, as an administrator would.</summary>
    public static async Task BindJaneToViewAsync(this TestCluster cluster, string ns) =>
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=" + Jane, "-n", ns)).EnsureSuccess();

    /// <summary>The first line of kubectl's error output, which carries the server's Status message.</summary>
    public static string Error(this KubectlResult result) => result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith("Error from server", StringComparison.Ordinal)) ?? result.Stderr;
}
