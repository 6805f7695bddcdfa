using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.AgentK.Tests.Infrastructure;
using Plural.KubeEmulator;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>
/// An emulated cluster (in process, empty but for system namespaces and nodes), a <see cref="CommandGateway"/>, and the
/// agent between them, hosted through <c>AddAgentK</c> with the cluster as its upstream.
/// </summary>
public sealed class GitOpsWorld : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _files;
    private IHost? _agent;

    private GitOpsWorld(DirectoryInfo files, KubeEmulatorServer emulator, IKubernetes admin, CommandGateway gateway)
    {
        _files = files;
        Emulator = emulator;
        Admin = admin;
        Gateway = gateway;
    }

    public KubeEmulatorServer Emulator { get; }

    public IKubernetes Admin { get; }

    public CommandGateway Gateway { get; }

    public CapturedLogs Logs { get; } = new();

    internal IServiceProvider Services => _agent!.Services;

    public static async Task<GitOpsWorld> StartAsync()
    {
        var emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Port = 0, Empty = true });
        var files = Directory.CreateTempSubdirectory("agentk-gitops-");
        var kubeconfig = Path.Combine(files.FullName, "admin.kubeconfig");
        await emulator.WriteKubeconfigAsync(kubeconfig);
        var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        return new GitOpsWorld(files, emulator, admin, await CommandGateway.StartAsync());
    }

    /// <summary>Starts the agent; <paramref name="settings"/> override the test defaults.</summary>
    public async Task StartAgentAsync(params (string Key, string Value)[] settings)
    {
        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "token"), Emulator.AgentToken);
        await File.WriteAllTextAsync(Path.Combine(_files.FullName, "ca.pem"), Emulator.CertificateAuthorityPem);
        var configuration = AgentUnderTest.Settings(Gateway.Address, Emulator.Url);
        configuration["Agent:Upstream:Url"] = Emulator.Url.ToString().TrimEnd('/');
        configuration["Agent:Upstream:BearerTokenFile"] = Path.Combine(_files.FullName, "token");
        configuration["Agent:Upstream:CaFile"] = Path.Combine(_files.FullName, "ca.pem");
        configuration["Agent:GitOps:InventoryNamespace"] = "kube-system";
        configuration["Agent:GitOps:MinReapplyInterval"] = "00:00:01";
        // Long enough that no test sees a re-apply it did not ask for through the agent configuration.
        configuration["Agent:GitOps:ReapplyInterval"] = "01:00:00";
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAgentK(builder.Configuration);
        _agent = builder.Build();
        await _agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A sync of <paramref name="documents"/> (path, YAML) for <paramref name="target"/>, indexed per path.</summary>
    public static ManifestSync Sync(string target, string commit, bool prune, params (string Path, string Yaml)[] documents)
    {
        var sync = new ManifestSync { Target = target, Repository = "https://git.example/platform.git", Commit = commit, DefaultNamespace = "apps", Prune = prune };
        foreach (var group in documents.GroupBy(d => d.Path))
        {
            sync.Documents.AddRange(group.Select((d, i) => new ManifestDocument { Path = d.Path, Index = i, Yaml = d.Yaml }));
        }

        return sync;
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
            _agent.Dispose();
        }

        await Gateway.DisposeAsync();
        await Emulator.DisposeAsync();
        _files.Delete(recursive: true);
    }
}
