using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Plural.EndToEnd.Tests.Deploy;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.CommandLine;

/// <summary>
/// The one-line install as an operator runs it: <c>plural agents register</c> prints a <c>kubectl apply -f</c> command,
/// real kubectl applies it to an emulated cluster whose own conveniences are gone, and the agent started from what
/// was applied (<see cref="AppliedAgentPod"/>) connects and serves kubectl through the tunnel.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed partial class AgentInstallTests(MainAppPlatform platform) : IDisposable
{
    private readonly OperatorCli _cli = new(platform);

    private DirectoryInfo Home => _cli.Home;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task The_printed_install_command_applied_with_kubectl_installs_an_agent_that_connects_and_serves_kubectl()
    {
        await LoginAsync();
        var name = "install-" + Guid.NewGuid().ToString("N")[..6];
        var registered = await PluralAsync("agents", "register", name);
        Assert.True(registered.ExitCode == 0, registered.ToString());
        var command = InstallCommand().Match(registered.StandardOutput);
        Assert.True(command.Success, registered.ToString());
        Assert.Contains($"SSL_CERT_FILE={platform.Certificates.AuthorityFile}", registered.StandardOutput);
        var url = command.Groups["url"].Value;
        Assert.StartsWith($"{platform.HttpUrl.ToString().TrimEnd('/')}/agents/{name}/install.yaml?ticket=plrl_install_", url);
        Assert.DoesNotContain(MainAppPlatform.AdminToken, url);

        await using var cluster = await EmulatedCluster.StartAsync();
        var admin = new Kubectl(cluster.AdminKubeconfig, Path.Combine(Home.FullName, "kube-cache"));
        // The emulator's own grants go: the agent gets only what the install brings.
        (await admin.RunAsync("delete", "clusterrolebinding", "kube-emulator:agentk", "kube-emulator:platform-users", "kube-emulator:read-only")).EnsureSuccess();
        var trustGateway = new Dictionary<string, string> { ["SSL_CERT_FILE"] = platform.Certificates.AuthorityFile };

        var applied = await admin.RunWithAsync(trustGateway, null, Kubectl.DefaultTimeout, "apply", "-f", url);
        var again = await admin.RunWithAsync(trustGateway, null, Kubectl.DefaultTimeout, "apply", "-f", url);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        foreach (var created in new[] { "namespace/plural-agent", "secret/agentk-token", "configmap/agentk-gateway-ca", "serviceaccount/agentk",
                     "clusterrole.rbac.authorization.k8s.io/plural-agentk", "role.rbac.authorization.k8s.io/agentk-leader-election", "deployment.apps/agentk" })
        {
            Assert.Contains(created + " created", applied.Stdout);
        }

        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("410", again.Stderr);

        await using var agent = await AppliedAgentPod.StartAsync(admin, cluster, "plural-agent", Home.FullName);
        await agent.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        var shown = await Eventually.UntilAsync(() => PluralAsync("agents", "get", name, "-o", "json"),
            get => get.ExitCode == 0 && JsonDocument.Parse(get.StandardOutput).RootElement.GetProperty("status").GetProperty("connected").GetBoolean(),
            TimeSpan.FromSeconds(30), "the installed agent connected");
        Assert.Single(JsonDocument.Parse(shown.StandardOutput).RootElement.GetProperty("tokens").EnumerateArray());

        (await admin.RunAsync("create", "clusterrolebinding", "ops-view", "--clusterrole=view", "--user=plural:user:ops")).EnsureSuccess();
        var userConfig = Path.Combine(Home.FullName, "kubeconfig");
        var written = await PluralAsync("kubeconfig", name, "--user", "ops", "--kubeconfig", userConfig, "--use");
        Assert.True(written.ExitCode == 0, written.ToString());
        var throughTunnel = await new Kubectl(userConfig, Path.Combine(Home.FullName, "user-cache")).RunAsync("get", "serviceaccounts", "-n", "plural-agent", "-o", "name");
        Assert.True(throughTunnel.ExitCode == 0, $"{throughTunnel.Stderr}\n{agent.Output}");
        Assert.Contains("serviceaccount/agentk", throughTunnel.Stdout);
    }

    [Fact]
    public async Task Plural_install_gives_a_registered_agent_a_new_token_and_link_and_refuses_past_two_tokens()
    {
        await LoginAsync();
        var name = "install-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await PluralAsync("agents", "register", name)).ExitCode);

        var install = await PluralAsync("install", name, "--token-ttl", "30d", "-o", "json");
        var third = await PluralAsync("install", name);
        var unknown = await PluralAsync("install", "never-registered");

        Assert.True(install.ExitCode == 0, install.ToString());
        var answer = JsonDocument.Parse(install.StandardOutput).RootElement;
        Assert.StartsWith("tok_", answer.GetProperty("tokenId").GetString());
        var url = answer.GetProperty("install").GetProperty("url").GetString()!;
        Assert.Equal($"kubectl apply -f \"{url}\"", answer.GetProperty("install").GetProperty("command").GetString());
        Assert.Equal(1, third.ExitCode);
        Assert.Contains("already has 2 active tokens", Assert.Single(third.Errors));
        Assert.Equal(5, unknown.ExitCode);

        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(platform.Certificates.AuthorityFile)) },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        using var http = new HttpClient(handler);
        var otherAgent = await http.GetAsync(url.Replace($"/agents/{name}/", "/agents/someone-else/", StringComparison.Ordinal));
        var manifests = await http.GetStringAsync(url);
        var second = await http.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, otherAgent.StatusCode);
        Assert.Contains("kind: Deployment", manifests);
        Assert.Contains($"value: {platform.AgentUrl.ToString().TrimEnd('/')}", manifests);
        Assert.Equal(System.Net.HttpStatusCode.Gone, second.StatusCode);
        Assert.Contains($"plural install {name}", await second.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("""(?m)^  kubectl apply -f "(?<url>https://[^"]+)"$""")]
    private static partial Regex InstallCommand();

    private Task LoginAsync() => _cli.LoginAsync();

    private Task<ProductRunResult> PluralAsync(params string[] args) => _cli.RunAsync(args);
}
