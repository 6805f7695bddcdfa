using Plural.KubeEmulator;

namespace Plural.Topology.Tests.Deploy;

/// <summary>
/// <c>deploy/agentk</c> runs two replicas that elect a leader through the Lease <c>agentk</c> in their namespace, and
/// the shipped RBAC lets their service account do exactly what the election needs, as a real API server judges it.
/// </summary>
public sealed class AgentLeaderElectionManifestTests
{
    private static readonly string Agentk = Path.Combine(RepositoryLayout.Root, "deploy", "agentk");
    private const string ServiceAccount = "system:serviceaccount:plural-agent:agentk";

    [Fact]
    public async Task Two_replicas_run_the_election_on_the_lease_agentk_in_their_own_namespace_under_a_disruption_budget_of_one()
    {
        var yaml = await ExternalTool.RunAsync(ExternalTool.Find("kubectl")!, ["kustomize", Agentk]);
        var deployment = yaml.Split("\n---\n").Single(o => ("\n" + o).Contains("\nkind: Deployment\n", StringComparison.Ordinal));
        var budget = yaml.Split("\n---\n").Single(o => ("\n" + o).Contains("\nkind: PodDisruptionBudget\n", StringComparison.Ordinal));

        Assert.Contains("replicas: 2", deployment);
        Assert.Contains("- name: Agent__LeaderElection__LeaseName\n          value: agentk", deployment);
        Assert.Contains("- name: POD_NAMESPACE\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.namespace", deployment);
        Assert.Contains("- name: POD_NAME\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name", deployment);
        // One replica at a time may go: the other keeps serving tunnels and takes the Lease over.
        Assert.Contains("maxUnavailable: 1", budget);
    }

    [Fact]
    public async Task The_agents_service_account_may_take_and_renew_its_own_lease_and_no_other()
    {
        await using var emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Empty = true });
        var files = Directory.CreateTempSubdirectory("plural-deploy-").FullName;
        var kubeconfig = Path.Combine(files, "kubeconfig");
        await emulator.WriteKubeconfigAsync(kubeconfig);
        var kubectl = new Kubectl(kubeconfig, Path.Combine(files, "cache"));
        await kubectl.RunAsync("apply", "-f", Path.Combine(Agentk, "namespace.yaml"));
        await kubectl.RunAsync("create", "serviceaccount", "agentk", "-n", "plural-agent");
        var applied = await kubectl.RunAsync("apply", "-n", "plural-agent", "-f", Path.Combine(Agentk, "leader-election-rbac.yaml"));
        Assert.Equal(0, applied.ExitCode);

        (string Verb, string Resource, string Namespace, string Answer)[] expected =
        [
            ("create", "leases", "plural-agent", "yes"),
            ("get", "leases/agentk", "plural-agent", "yes"),
            ("update", "leases/agentk", "plural-agent", "yes"),
            ("update", "leases/kube-scheduler", "plural-agent", "no"),
            ("delete", "leases/agentk", "plural-agent", "no"),
            ("create", "leases", "kube-system", "no"),
            ("update", "leases/agentk", "default", "no"),
        ];
        var answers = new List<(string, string, string, string)>();
        foreach (var (verb, resource, ns, _) in expected)
        {
            var answer = await kubectl.RunAsync("auth", "can-i", verb, resource, "-n", ns, "--as", ServiceAccount);
            answers.Add((verb, resource, ns, answer.Stdout.Trim()));
        }

        Assert.Equal(expected, answers);
    }
}
