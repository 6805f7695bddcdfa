using System.Text;
using Plural.Bench.Platform;
using Plural.Protocol.Server;

namespace Plural.Bench.CachedQuery;

/// <summary>Creates many small pods in the emulator, so that queries have something to sift, and waits until the agent cached them.</summary>
public static class PodSeeder
{
    /// <summary>Namespace of the created pods.</summary>
    public const string Namespace = "bench";

    private const int Labels = 10;
    private static readonly TimeSpan CacheTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Creates <paramref name="count"/> pods labelled <c>app=bench-0</c> to <c>bench-9</c>.</summary>
    public static async Task SeedAsync(ConnectedCluster cluster, HttpClient direct, int count, CancellationToken ct)
    {
        await cluster.CreateNamespaceAsync(direct, Namespace, ct);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bench-" + i + "\",\"namespace\":\"" + Namespace +
                    "\",\"labels\":{\"app\":\"bench-" + (i % Labels) + "\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example/app:1\"}]}}";
                using var body = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await direct.PostAsync($"/api/v1/namespaces/{Namespace}/pods", body, ct);
                response.EnsureSuccessStatusCode();
            }
        }));

        var deadline = DateTime.UtcNow + CacheTimeout;
        while (true)
        {
            var cached = await cluster.Platform.Api.QueryClusterAsync(new QueryClusterRequest
            {
                Name = cluster.AgentName,
                Query = new ClusterQuery { Kind = "pods", Namespace = Namespace, CountOnly = true },
            }, cancellationToken: ct);
            if (cached.Count >= count)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the agent cached {cached.Count} of {count} pods within {CacheTimeout}");
            }

            await Task.Delay(200, ct);
        }
    }
}
