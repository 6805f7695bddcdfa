using System.Text.Json;
using k8s;
using k8s.Models;
using Plural.EndToEnd.Tests.MainApp;
using Plural.Testing.Servers;

namespace Plural.EndToEnd.Tests.InClusterServices;

/// <summary>
/// Services inside a cluster reached through the agent, as the main application's dashboards reach a cluster's
/// Prometheus: <c>/k8s-proxy/{agent}/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/...</c> with a user's
/// main-application JWT, the cluster's RBAC deciding (<c>services/proxy</c>), answers streamed as the service sends them.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class InClusterServicesTests(MainAppPlatform platform)
{
    private const string PrometheusQuery = "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_ruby_main_app_queries_the_clusters_prometheus_and_a_user_without_services_proxy_gets_the_api_servers_403()
    {
        await using var cluster = await ClusterWithPrometheus.StartAsync(platform);
        var pods = (await cluster.Cluster.Admin.CoreV1.ListPodForAllNamespacesAsync()).Items.Count;

        await using var script = RubyScript.Start("query_in_cluster_prometheus.rb", new Dictionary<string, string>
        {
            ["PLURAL_HTTP"] = platform.HttpUrl.ToString(),
            ["PLURAL_CA_FILE"] = platform.Certificates.AuthorityFile,
            ["PLURAL_JWT_SECRET_FILE"] = platform.SecretFile,
            ["PLURAL_AGENT_NAME"] = cluster.Agent.Name,
            ["PLURAL_USERS"] = $"{ClusterWithPrometheus.Reader},{ClusterWithPrometheus.Viewer}",
            ["PLURAL_QUERY"] = "count(kube_pod_info)",
        });
        await script.WaitForStepAsync("done", Timeout);

        var answers = script.Steps.Where(s => s.GetProperty("step").GetString() == "answer").ToList();
        Assert.Equal(2, answers.Count);
        var (granted, refused) = (answers[0], answers[1]);
        Assert.Equal(200, granted.GetProperty("code").GetInt32());
        var data = granted.GetProperty("body").GetProperty("data");
        Assert.Equal("success", granted.GetProperty("body").GetProperty("status").GetString());
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        Assert.Equal(pods.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(data.GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
        Assert.Equal(403, refused.GetProperty("code").GetInt32());
        var status = refused.GetProperty("body");
        Assert.Equal(("Status", "Forbidden"), (status.GetProperty("kind").GetString(), status.GetProperty("reason").GetString()));
        Assert.Equal("services \"prometheus:9090\" is forbidden: User \"plural:user:intern\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"monitoring\"",
            status.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Kubectl_get_raw_through_the_tunnel_reaches_prometheus_for_a_user_the_cluster_allows()
    {
        var work = Directory.CreateTempSubdirectory("plural-in-cluster-");
        try
        {
            await using var cluster = await ClusterWithPrometheus.StartAsync(platform);
            var reader = await cluster.KubectlForAsync(ClusterWithPrometheus.Reader, work.FullName);
            var viewer = await cluster.KubectlForAsync(ClusterWithPrometheus.Viewer, work.FullName);
            // kubectl's --raw replaces the server URL's path, so the route's prefix is part of the raw path.
            var query = $"/k8s-proxy/{cluster.Agent.Name}{PrometheusQuery}?query=" + Uri.EscapeDataString("up{namespace=\"monitoring\"}");

            var allowed = await reader.RunAsync(Timeout, "get", "--raw", query);
            var denied = await viewer.RunAsync(Timeout, "get", "--raw", query);
            var viewed = await viewer.RunAsync(Timeout, "get", "services", "-n", "monitoring", "-o", "name");

            Assert.True(allowed.ExitCode == 0, allowed.Stderr + cluster.Process.Process.Output);
            var series = Assert.Single(JsonDocument.Parse(allowed.Stdout).RootElement.GetProperty("data").GetProperty("result").EnumerateArray());
            Assert.StartsWith("prometheus-", series.GetProperty("metric").GetProperty("pod").GetString());
            Assert.Equal("1", series.GetProperty("value")[1].GetString());
            Assert.Equal(1, denied.ExitCode);
            Assert.Contains("Error from server (Forbidden): services \"prometheus:9090\" is forbidden: User \"plural:user:intern\" cannot get resource \"services/proxy\"", denied.Stderr);
            Assert.Equal("service/prometheus", viewed.EnsureSuccess().Stdout.Trim());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("events", "text/event-stream")]
    [InlineData("chunks", "text/plain")]
    public async Task A_streamed_answer_of_an_in_cluster_service_crosses_the_tunnel_piece_by_piece(string endpoint, string mediaType)
    {
        await using var server = await InClusterHttpServer.StartAsync();
        await using var cluster = await ClusterWithPrometheus.StartAsync(platform);
        await CreateBackedServiceAsync(cluster.Cluster.Admin, "stream", server);
        using var http = cluster.HttpClientFor(ClusterWithPrometheus.Reader);

        using var response = await http.GetAsync($"/k8s-proxy/{cluster.Agent.Name}/api/v1/namespaces/default/services/stream:8080/proxy/{endpoint}",
            HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The service sends each next piece only after the test has read the one before: a buffered answer never ends.
        for (var piece = 1; piece <= 3; piece++)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            string? line;
            do
            {
                line = await body.ReadLineAsync(wait.Token) ?? throw new EndOfStreamException($"the answer ended before piece {piece}");
            }
            while (!line.Contains($"piece {piece}", StringComparison.Ordinal));

            Assert.Equal(piece, server.PiecesSent);
            server.Release();
        }
    }

    private static async Task CreateBackedServiceAsync(IKubernetes admin, string name, InClusterHttpServer server)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        var annotation = server.AnnotationFor(8080);
        await admin.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = new Dictionary<string, string> { [annotation.Key] = annotation.Value } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/app:1", Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http" }] }] },
                },
            },
        }, "default");
        await admin.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 8080, Name = "http", TargetPort = "http" }] },
        }, "default");
        await ClusterWithPrometheus.WaitForEndpointAsync(admin, "default", name);
    }
}
