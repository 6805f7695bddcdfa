using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Plural.Client;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.MainApp;
using Plural.Testing;
using Plural.Testing.Kubernetes;

namespace Plural.EndToEnd.Tests.InClusterServices;

/// <summary>
/// An emulated cluster with its seeded <c>monitoring/prometheus</c>, behind an agent of <see cref="MainAppPlatform"/>, and
/// RBAC as a cluster that grants the proxy to some users only: <see cref="Reader"/> may use <c>services/proxy</c> and
/// <c>pods/proxy</c> everywhere, <see cref="Viewer"/> has only <c>view</c> in <c>monitoring</c> (which, as upstream,
/// does not include the proxy). The emulator's seeded binding that makes every platform user an administrator is removed.
/// </summary>
internal sealed class ClusterWithPrometheus : IAsyncDisposable
{
    public const string Reader = "grafana", Viewer = "intern";
    private readonly MainAppPlatform _platform;

    private ClusterWithPrometheus(MainAppPlatform platform, EmulatedCluster cluster, RegisteredAgent agent, AgentProcess process)
    {
        _platform = platform;
        Cluster = cluster;
        Agent = agent;
        Process = process;
    }

    public EmulatedCluster Cluster { get; }

    public RegisteredAgent Agent { get; }

    public AgentProcess Process { get; }

    /// <summary>The cluster's API through the gateway, as kubeconfigs name it.</summary>
    public string ServerUrl => $"{_platform.HttpUrl.ToString().TrimEnd('/')}/k8s-proxy/{Agent.Name}";

    public static async Task<ClusterWithPrometheus> StartAsync(MainAppPlatform platform)
    {
        var cluster = await EmulatedCluster.StartAsync(o => o.Prometheus = true);
        var admin = cluster.Admin;
        await admin.RbacAuthorizationV1.DeleteClusterRoleBindingAsync("kube-emulator:platform-users");
        await admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "proxy-reader" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["services/proxy", "pods/proxy"], Verbs = ["get"] }],
        });
        await admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "grafana-proxy-reader" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "proxy-reader" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "plural:user:" + Reader, ApiGroup = "rbac.authorization.k8s.io" }],
        });
        await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "intern-view" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "view" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "plural:user:" + Viewer, ApiGroup = "rbac.authorization.k8s.io" }],
        }, "monitoring");
        await WaitForEndpointAsync(admin, "monitoring", "prometheus");

        var agent = await platform.RegisterAgentAsync("prometheus");
        var process = await platform.StartAgentAsync(agent.Name, agent.Token, cluster.Server.Url, cluster.AgentArgs());
        return new ClusterWithPrometheus(platform, cluster, agent, process);
    }

    /// <summary>Waits until the Endpoints of service <paramref name="ns"/>/<paramref name="name"/> list an address.</summary>
    public static Task WaitForEndpointAsync(IKubernetes admin, string ns, string name) =>
        Eventually.GetAsync(async () =>
        {
            var endpoints = await admin.CoreV1.ListNamespacedEndpointsAsync(ns, fieldSelector: "metadata.name=" + name);
            return endpoints.Items.SelectMany(e => e.Subsets ?? []).FirstOrDefault(s => s.Addresses?.Count > 0);
        }, TimeSpan.FromSeconds(30), $"an endpoint for {ns}/{name}");

    /// <summary>The main application's JWT for <paramref name="user"/>, reaching this agent only.</summary>
    public string JwtFor(string user) =>
        MainAppJwt.MintForUser(Encoding.UTF8.GetBytes(MainAppPlatform.Secret), "plural", "plural-gateway", user, [], [Agent.Name],
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

    /// <summary>An HTTP client for the gateway's HTTP listener, trusting the platform's CA, presenting <paramref name="user"/>'s JWT.</summary>
    public HttpClient HttpClientFor(string user)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(_platform.Certificates.AuthorityFile)) },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        var client = new HttpClient(handler) { BaseAddress = _platform.HttpUrl, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JwtFor(user));
        return client;
    }

    /// <summary>kubectl pointed at the cluster through the gateway as <paramref name="user"/>, with its own kubeconfig and cache.</summary>
    public async Task<Kubectl> KubectlForAsync(string user, string directory)
    {
        var path = Path.Combine(directory, $"{user}.kubeconfig");
        await File.WriteAllTextAsync(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: plural
              cluster:
                server: {ServerUrl}
                certificate-authority: {_platform.Certificates.AuthorityFile}
            users:
            - name: {user}
              user:
                token: {JwtFor(user)}
            contexts:
            - name: plural
              context:
                cluster: plural
                user: {user}
            current-context: plural
            """);
        return new Kubectl(path, Path.Combine(directory, $"{user}-cache"), () => Process.Process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
