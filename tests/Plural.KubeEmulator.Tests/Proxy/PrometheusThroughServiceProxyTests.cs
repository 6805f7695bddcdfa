using System.Text.Json;
using k8s;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.Proxy;

/// <summary>
/// The seeded Prometheus, reached as a user reaches one in a cluster: through the API server's service proxy,
/// with kubectl, KubernetesClient and plain HTTP, answering its query API about the pods the cluster runs.
/// </summary>
public sealed class PrometheusThroughServiceProxyTests
{
    [Fact]
    public async Task Kubectl_get_raw_counts_the_clusters_pods_through_the_service_proxy()
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        var pods = (await cluster.Client().CoreV1.ListPodForAllNamespacesAsync()).Items.Count;

        var result = (await cluster.Kubectl.RunAsync("get", "--raw",
            $"{PrometheusCluster.ServicePath}/api/v1/query?query=count(kube_pod_info)")).EnsureSuccess();

        var answer = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("success", answer.GetProperty("status").GetString());
        Assert.Equal("vector", answer.GetProperty("data").GetProperty("resultType").GetString());
        var sample = Assert.Single(answer.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Empty(sample.GetProperty("metric").EnumerateObject());
        Assert.Equal(pods.ToString(System.Globalization.CultureInfo.InvariantCulture), sample.GetProperty("value")[1].GetString());
    }

    [Fact]
    public async Task Up_is_one_series_per_pod_with_its_namespace_pod_and_instance()
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        using var http = cluster.Http();
        var web = (await cluster.Client().CoreV1.ListNamespacedPodAsync("demo", labelSelector: "app=web")).Items;

        var (code, body) = await http.QueryAsync("query", "query=" + Uri.EscapeDataString("up{namespace=\"demo\", pod=~\"web-.*\"}"));

        Assert.Equal(200, code);
        var series = body.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(web.Select(p => p.Metadata.Name).Order(), series.Select(s => s.GetProperty("metric").GetProperty("pod").GetString()).Order());
        Assert.All(series, s =>
        {
            Assert.Equal("up", s.GetProperty("metric").GetProperty("__name__").GetString());
            Assert.Equal("kubernetes-pods", s.GetProperty("metric").GetProperty("job").GetString());
            Assert.EndsWith(":80", s.GetProperty("metric").GetProperty("instance").GetString());
            Assert.Equal("1", s.GetProperty("value")[1].GetString());
        });
    }

    [Fact]
    public async Task Count_by_namespace_groups_kube_pod_info_and_follows_a_scale_out()
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        using var http = cluster.Http();
        (await cluster.Kubectl.RunAsync("scale", "deployment", "web", "-n", "demo", "--replicas=5")).EnsureSuccess();

        var body = await Plural.Testing.Eventually.GetAsync(async () =>
        {
            var (_, answer) = await http.QueryAsync("query", "query=" + Uri.EscapeDataString("count by (namespace) (kube_pod_info)"));
            var demo = answer.GetProperty("data").GetProperty("result").EnumerateArray()
                .FirstOrDefault(s => s.GetProperty("metric").GetProperty("namespace").GetString() == "demo");
            return demo.ValueKind != JsonValueKind.Undefined && demo.GetProperty("value")[1].GetString() == "5" ? answer.GetRawText() : null;
        }, TimeSpan.FromSeconds(30), "five demo pods in count by (namespace) (kube_pod_info)");

        var namespaces = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => s.GetProperty("metric").EnumerateObject().Single().Name).Distinct();
        Assert.Equal(["namespace"], namespaces);
    }

    [Fact]
    public async Task Query_range_answers_a_matrix_with_one_point_per_step()
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        using var http = cluster.Http();
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var (code, body) = await http.QueryAsync("query_range",
            $"query={Uri.EscapeDataString("sum(up)")}&start={end - 60}&end={end}&step=15s");

        Assert.Equal(200, code);
        Assert.Equal("matrix", body.GetProperty("data").GetProperty("resultType").GetString());
        var line = Assert.Single(body.GetProperty("data").GetProperty("result").EnumerateArray());
        var times = line.GetProperty("values").EnumerateArray().Select(p => p[0].GetDecimal()).ToList();
        // The cluster is seconds old: only the points after its pods were created have a value, each 15 s apart.
        Assert.Contains((decimal)end, times);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(15m, pair.Second - pair.First));
    }

    [Theory]
    [InlineData("query", "query=rate(up[5m])", "invalid parameter \"query\": 1:1: parse error: function \"rate\" is not in the emulator's query subset (selectors and sum, count, min, max, avg)")]
    [InlineData("query", "query=up{", "invalid parameter \"query\": 1:4: parse error: unexpected end of input inside braces")]
    [InlineData("query", "", "invalid parameter \"query\": 1:1: parse error: no expression found in input")]
    [InlineData("query", "query=up&time=yesterday", "invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp")]
    [InlineData("query_range", "query=up&start=100&end=50&step=15", "invalid parameter \"end\": end timestamp must not be before start time")]
    [InlineData("query_range", "query=up&start=0&end=100000&step=1", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")]
    public async Task A_query_outside_the_subset_gets_prometheus_error_json(string endpoint, string parameters, string error)
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        using var http = cluster.Http();

        var (code, body) = await http.QueryAsync(endpoint, parameters);

        Assert.Equal(400, code);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal("bad_data", body.GetProperty("errorType").GetString());
        Assert.Equal(error, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task KubernetesClient_reaches_the_service_and_a_pod_through_their_proxy_subresources()
    {
        await using var cluster = await PrometheusCluster.StartAsync();
        var client = cluster.Client();
        var pod = (await client.CoreV1.ListNamespacedPodAsync("monitoring")).Items.Single();

        await using var healthy = await client.CoreV1.ConnectGetNamespacedServiceProxyWithPathAsync("prometheus:9090", "monitoring", "-/healthy");
        await using var direct = await client.CoreV1.ConnectGetNamespacedPodProxyWithPathAsync(pod.Metadata.Name + ":9090", "monitoring", "-/ready");

        Assert.Equal("Prometheus Server is Healthy.\n", await new StreamReader(healthy).ReadToEndAsync());
        Assert.Equal("Prometheus Server is Ready.\n", await new StreamReader(direct).ReadToEndAsync());
    }
}
