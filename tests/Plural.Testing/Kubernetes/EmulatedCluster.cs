using k8s;
using k8s.Autorest;
using k8s.Models;
using Plural.KubeEmulator;

namespace Plural.Testing.Kubernetes;

/// <summary>
/// A KubeEmulator in the calling process, the files an agent needs to reach it (its service-account token and, with
/// TLS, the emulator's CA), and an admin client to change workloads with. Empty (no sample workloads) unless
/// <c>configure</c> says otherwise.
/// </summary>
public sealed class EmulatedCluster : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private EmulatedCluster(KubeEmulatorServer server, DirectoryInfo directory, IKubernetes admin)
    {
        Server = server;
        _directory = directory;
        Admin = admin;
    }

    public KubeEmulatorServer Server { get; }

    public IKubernetes Admin { get; }

    public string TokenFile => Path.Combine(_directory.FullName, "agent-token");

    public string CaFile => Path.Combine(_directory.FullName, "ca.pem");

    /// <summary>A kubeconfig of the cluster's admin (<c>system:masters</c>), for kubectl.</summary>
    public string AdminKubeconfig => Path.Combine(_directory.FullName, "admin.kubeconfig");

    public static async Task<EmulatedCluster> StartAsync(Action<KubeEmulatorOptions>? configure = null, CancellationToken ct = default)
    {
        var options = new KubeEmulatorOptions { Port = 0, Empty = true };
        configure?.Invoke(options);
        var server = await KubeEmulatorServer.StartAsync(options, ct);
        var directory = Directory.CreateTempSubdirectory("plural-cluster-");
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "agent-token"), server.AgentToken, ct);
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "ca.pem"), server.CertificateAuthorityPem ?? "", ct);
        var kubeconfig = Path.Combine(directory.FullName, "admin.kubeconfig");
        await server.WriteKubeconfigAsync(kubeconfig, ct: ct);
        var admin = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        return new EmulatedCluster(server, directory, admin);
    }

    /// <summary>Command-line settings for an agent whose upstream is this cluster, with quick views and events.</summary>
    public string[] AgentArgs(params string[] more) => AgentArgsWithToken(TokenFile, more);

    /// <summary>Like <see cref="AgentArgs"/>, for an agent that authenticates with the token in <paramref name="tokenFile"/>.</summary>
    public string[] AgentArgsWithToken(string tokenFile, params string[] more) =>
    [
        $"--Agent:Upstream:BearerTokenFile={tokenFile}",
        $"--Agent:Upstream:CaFile={CaFile}",
        "--Agent:Views:Debounce=00:00:00.100",
        "--Agent:Views:RefreshInterval=00:00:02",
        "--Agent:Events:BatchInterval=00:00:00.050",
        .. more,
    ];

    /// <summary>The ConfigMap, or null when the cluster has none of that name.</summary>
    public async Task<V1ConfigMap?> FindConfigMapAsync(string ns, string name)
    {
        try
        {
            return await Admin.CoreV1.ReadNamespacedConfigMapAsync(name, ns);
        }
        catch (HttpOperationException missing) when (missing.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task CreateNamespaceAsync(string name) =>
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });

    public async Task CreateDeploymentAsync(string ns, string name, int replicas, IDictionary<string, string>? labels = null)
    {
        var selector = new Dictionary<string, string> { ["app"] = name };
        await Admin.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? selector },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(selector) { ["tier"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        }, ns);
    }

    public async Task ScaleAsync(string ns, string name, int replicas) =>
        await Admin.AppsV1.PatchNamespacedDeploymentScaleAsync(
            new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch), name, ns);

    public async Task DeleteDeploymentAsync(string ns, string name) =>
        await Admin.AppsV1.DeleteNamespacedDeploymentAsync(name, ns);

    /// <summary>Cordons every node: pods created from now on stay Pending.</summary>
    public async Task CordonAllAsync(bool cordon = true)
    {
        foreach (var node in (await Admin.CoreV1.ListNodeAsync()).Items)
        {
            await Admin.CoreV1.PatchNodeAsync(
                new V1Patch($"{{\"spec\":{{\"unschedulable\":{(cordon ? "true" : "false")}}}}}", V1Patch.PatchType.MergePatch), node.Metadata.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder does no harm.
        }
    }
}
