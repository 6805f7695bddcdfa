using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.KubernetesProxy;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// An emulated cluster with RBAC on and nothing granted but a real cluster's bootstrap policy, into which
/// <c>deploy/agentk</c> is installed as an operator installs it (<c>kubectl apply -k</c>), and a real AgentK process
/// connected to gateway A of a <see cref="KubectlPlatformFixture"/> that runs as its pod would: with a token the
/// TokenRequest API minted for the <c>agentk</c> service account (<c>kubectl create token</c>) and the API server's address,
/// and as its image ships it: the natively published program of <c>deploy/docker/Dockerfile.agentk</c>.
/// </summary>
internal sealed class ShippedAgent : IAsyncDisposable
{
    /// <summary>The namespace <c>deploy/agentk</c> installs into.</summary>
    public const string AgentNamespace = "plural-agent";

    /// <summary>The identity the cluster knows the agent by.</summary>
    public const string ServiceAccountUser = "system:serviceaccount:plural-agent:agentk";

    private readonly KubectlPlatformFixture _platform;

    private ShippedAgent(KubectlPlatformFixture platform, EmulatedCluster cluster, Kubectl admin)
    {
        _platform = platform;
        Cluster = cluster;
        Admin = admin;
    }

    public EmulatedCluster Cluster { get; }

    /// <summary>kubectl as the cluster's admin (<c>system:masters</c>), the operator's own access.</summary>
    public Kubectl Admin { get; }

    public RegisteredAgent Agent { get; private set; } = null!;

    public AgentProcess Process { get; private set; } = null!;

    /// <summary>Installs <c>deploy/agentk</c>, mints the agent's token and starts AgentK; returns once its session is up.</summary>
    public static async Task<ShippedAgent> InstallAsync(KubectlPlatformFixture platform, params string[] agentArgs)
    {
        var executable = await AgentImage.ExecutableAsync();
        // Sample workloads give the users something to read in namespaces demo and shop.
        var cluster = await EmulatedCluster.StartAsync(o => o.Empty = false);
        ShippedAgent? installed = null;
        try
        {
            var directory = Path.GetDirectoryName(cluster.AdminKubeconfig)!;
            installed = new ShippedAgent(platform, cluster, new Kubectl(cluster.AdminKubeconfig, Path.Combine(directory, "kubectl-cache"), () => installed?.Output() ?? ""));
            // The emulator's own conveniences go: the agent and the platform's users get only what is installed or bound here.
            (await installed.Admin.RunAsync("delete", "clusterrolebinding", "kube-emulator:agentk", "kube-emulator:platform-users", "kube-emulator:read-only")).EnsureSuccess();
            (await installed.Admin.RunAsync("apply", "-k", Path.Combine(RepositoryLayout.Root, "deploy", "agentk"))).EnsureSuccess();
            var token = (await installed.Admin.RunAsync("create", "token", "agentk", "-n", AgentNamespace, "--duration=1h")).EnsureSuccess().Stdout.Trim();
            var tokenFile = Path.Combine(directory, "agentk-token");
            await File.WriteAllTextAsync(tokenFile, token);

            installed.Agent = await platform.RegisterAsync("shipped");
            installed.Process = AgentProcess.Start(installed.Agent, platform.Gateway("A").AgentUrl, cluster.Server.Url,
                cluster.AgentArgsWithToken(tokenFile, [$"--Agent:GitOps:InventoryNamespace={AgentNamespace}", .. agentArgs]),
                executable: executable);
            await installed.Process.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
            await platform.WaitUntilConnectedToAAsync(installed.Agent.Name);
            return installed;
        }
        catch
        {
            if (installed is not null)
            {
                await installed.DisposeAsync();
            }
            else
            {
                await cluster.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>kubectl through gateway <paramref name="gateway"/> to this agent, for a Plural user with a token issued for it.</summary>
    public async Task<Kubectl> UserKubectlAsync(string gateway, string user, params string[] groups) =>
        (await _platform.KubectlAsync(gateway, user, groups, Agent)).Kubectl;

    /// <summary>A kubectl run and what the agent printed, for failure messages.</summary>
    public string Describe(KubectlResult result) =>
        $"kubectl {result.Command} exited {result.ExitCode}\nstdout: {result.Stdout}\nstderr: {result.Stderr}\n{Output()}";

    private string Output() => Process is null ? "" : $"--- {Process.Process.Name}\n{Process.Process.Output}";

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}
