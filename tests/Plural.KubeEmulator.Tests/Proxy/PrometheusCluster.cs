using System.Text.Json;
using Plural.KubeEmulator.Tests.Support;
using Plural.Testing;

namespace Plural.KubeEmulator.Tests.Proxy;

/// <summary>A cluster with the sample workloads and the seeded <c>monitoring/prometheus</c>, once its service has an endpoint.</summary>
internal static class PrometheusCluster
{
    /// <summary>The service proxy path of the seeded Prometheus, up to and including <c>proxy</c>.</summary>
    public const string ServicePath = "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy";

    public static async Task<TestCluster> StartAsync(Action<KubeEmulatorOptions>? configure = null)
    {
        var cluster = await TestCluster.StartAsync(empty: false, configure: o =>
        {
            o.Prometheus = true;
            configure?.Invoke(o);
        });
        using var http = cluster.Http();
        await Eventually.GetAsync(async () =>
        {
            using var response = await http.GetAsync("/api/v1/namespaces/monitoring/endpoints/prometheus");
            var body = await response.Content.ReadAsStringAsync();
            return body.Contains("\"addresses\"", StringComparison.Ordinal) ? body : null;
        }, TimeSpan.FromSeconds(30), "an endpoint for monitoring/prometheus");
        return cluster;
    }

    /// <summary>A Prometheus query through the service proxy, answered with its status code and JSON.</summary>
    public static async Task<(int Code, JsonElement Body)> QueryAsync(this HttpClient http, string endpoint, string parameters)
    {
        using var response = await http.GetAsync($"{ServicePath}/api/v1/{endpoint}?{parameters}");
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
