using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.AgentK;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.KubeEmulator;
using Plural.Silo.Hosting;

namespace Plural.Silo.Dev;

/// <summary>
/// <c>dev</c>: the whole platform on one machine. A silo with the gateway, a Kubernetes emulator
/// with sample workloads, and one agent connected through the tunnel; a kubeconfig that goes through
/// the tunnel is written to <c>.plural-dev/</c>. Runs until SIGINT/SIGTERM.
/// </summary>
internal static partial class DevEnvironment
{
    public const string AgentName = "dev";

    /// <summary>The user the dev kubeconfig acts as; the cluster sees <c>plural:user:dev-user</c> in group <c>dev-team</c>.</summary>
    public const string DevUser = "dev-user";

    /// <summary>The group the dev user belongs to.</summary>
    public const string DevGroup = "dev-team";

    public static async Task<int> RunAsync(string[] args)
    {
        var stateDirectory = Path.GetFullPath(".plural-dev");
        Directory.CreateDirectory(stateDirectory);
        var adminToken = "plrl_admin_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await File.WriteAllTextAsync(Path.Combine(stateDirectory, "admin-token"), adminToken);

        await using var emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Prometheus = true }, CancellationToken.None);
        await emulator.WriteKubeconfigAsync(Path.Combine(stateDirectory, "kubeconfig-direct"));
        var agentCredentials = Path.Combine(stateDirectory, "agent-upstream-token");
        await File.WriteAllTextAsync(agentCredentials, emulator.AgentToken);
        string? emulatorCa = null;
        if (emulator.CertificateAuthorityPem is { } pem)
        {
            emulatorCa = Path.Combine(stateDirectory, "emulator-ca.pem");
            await File.WriteAllTextAsync(emulatorCa, pem);
        }

        var certificates = await DevCertificates.WriteAsync(stateDirectory);
        // Settings ship next to the program; the working directory is where the user wants .plural-dev/.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Skip(1).ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Id"] = "dev-gateway",
            ["Gateway:AdminToken"] = adminToken,
            // Every listener over TLS with the throwaway CA, as in production; agents and clients trust that CA.
            ["Gateway:AgentListenUrl"] = "https://127.0.0.1:8150",
            ["Gateway:ApiListenUrl"] = "https://127.0.0.1:8153",
            ["Gateway:HttpListenUrl"] = "https://127.0.0.1:8154",
            ["Gateway:OperationsListenUrl"] = "https://127.0.0.1:8155",
            // The README's first steps show the raw route next to kubectl.
            ["Gateway:AdminProxy:Enabled"] = "true",
            ["Gateway:TlsCertificateFile"] = certificates.CertificateFile,
            ["Gateway:TlsKeyFile"] = certificates.KeyFile,
            ["Gateway:Peer:Secret"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["Gateway:Access:KubeconfigCaFile"] = certificates.AuthorityFile,
            ["Gateway:Install:GatewayCaFile"] = certificates.AuthorityFile,
            // The silo's Orleans endpoints over mutual TLS too, with a certificate of the same throwaway CA.
            ["Orleans:Tls:CertificateFile"] = certificates.ClusterCertificateFile,
            ["Orleans:Tls:KeyFile"] = certificates.ClusterKeyFile,
            ["Orleans:Tls:CaFile"] = certificates.AuthorityFile,
            ["Git:PollInterval"] = "00:00:05",
        });
        builder.Configuration.AddCommandLine(args.Skip(1).ToArray());
        builder.AddPluralSilo();
        await using var app = builder.Build();
        // Validated here rather than inside the start, which would log the failure with its stack trace first.
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.MapPluralSilo();
        await app.StartAsync();

        var listeners = app.Services.GetRequiredService<GatewayListeners>();
        var agentToken = await RegisterAgentAsync(app.Services);
        var gitops = await DevGitRepository.ConnectAsync(app.Services, stateDirectory);
        using var agent = await StartAgentAsync(listeners.UrlOf(ListenerKind.Agent), certificates.AuthorityFile, agentToken, emulator.Url, agentCredentials, emulatorCa);

        // kubectl goes the way a user's does: a user token, the Kubernetes proxy, impersonation in the cluster.
        var (_, userToken) = await app.Services.GetRequiredService<UserTokenIssuer>().IssueAsync(DevUser, [DevGroup], [AgentName], TimeSpan.FromDays(30));
        await File.WriteAllTextAsync(Path.Combine(stateDirectory, "user-token"), userToken);
        var kubeconfig = Path.Combine(stateDirectory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, app.Services.GetRequiredService<KubeconfigBuilder>().Build([AgentName], userToken, DevUser));

        var logger = app.Services.GetRequiredService<ILogger<DevEnvironmentMarker>>();
        LogReady(logger, listeners.UrlOf(ListenerKind.Http), listeners.UrlOf(ListenerKind.Api), emulator.Url, kubeconfig);
        Console.WriteLine($"Plural dev environment ready. Gateway: {listeners.UrlOf(ListenerKind.Http)}");
        Console.WriteLine($"  kubectl --kubeconfig {kubeconfig} get pods -A");
        Console.WriteLine($"  agent configuration and manifests: commit in {gitops}");
        // Printed, not logged: the fragment carries the dev user's token, which never reaches a server or a log.
        Console.WriteLine($"  dashboard: {new Uri(listeners.UrlOf(ListenerKind.Http), "/dashboard/")}#token={Uri.EscapeDataString(userToken)}");

        await app.WaitForShutdownAsync();
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static async Task<string> RegisterAgentAsync(IServiceProvider services)
    {
        var registrar = services.GetRequiredService<AgentRegistrar>();
        var (_, _, token) = await registrar.RegisterAsync(AgentName, new Dictionary<string, string> { ["env"] = "dev" }, "dev-mode agent");
        return token;
    }

    private static async Task<IHost> StartAgentAsync(Uri gateway, string gatewayCa, string token, Uri upstream, string upstreamTokenFile, string? upstreamCa)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:GatewayUrl"] = gateway.ToString(),
            ["Agent:GatewayCaFile"] = gatewayCa,
            ["Agent:Token"] = token,
            ["Agent:InstanceId"] = "dev-agent",
            ["Agent:Upstream:Url"] = upstream.ToString(),
            ["Agent:Upstream:BearerTokenFile"] = upstreamTokenFile,
            ["Agent:Upstream:CaFile"] = upstreamCa,
            ["Agent:ObservabilityUrl"] = "",
        });
        builder.Services.AddAgentK(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Category for dev-mode log lines.</summary>
    private sealed class DevEnvironmentMarker;

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information,
        Message = "Dev environment ready: gateway {GatewayUrl}, ServerApi {ApiUrl}, emulator {EmulatorUrl}, kubeconfig {Kubeconfig}")]
    private static partial void LogReady(ILogger logger, Uri gatewayUrl, Uri apiUrl, Uri emulatorUrl, string kubeconfig);
}
