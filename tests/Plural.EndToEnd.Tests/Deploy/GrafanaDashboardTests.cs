using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Plural.EndToEnd.Tests.MainApp;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// <c>deploy/grafana/plural-dashboard.json</c> shows what the processes export: every metric its queries name, and
/// every label they group by, is on a gateway's or an agent's <c>/metrics</c> once a request went through a tunnel.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed partial class GrafanaDashboardTests(MainAppPlatform platform)
{
    // What PromQL itself names: functions, aggregations and their keywords.
    private static readonly HashSet<string> PromQlWords =
        ["sum", "count", "avg", "max", "min", "rate", "irate", "increase", "histogram_quantile", "by", "without", "on", "ignoring"];

    // Labels Prometheus adds when it scrapes, not the process.
    private static readonly HashSet<string> ScrapeLabels = ["instance", "job"];

    [Fact]
    public async Task Every_metric_and_label_the_dashboard_queries_is_exported_by_a_gateway_or_an_agent()
    {
        var agent = await platform.RegisterAgentAsync("dashboard");
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var process = await platform.StartAgentAsync(agent.Name, agent.Token, cluster.Server.Url, cluster.AgentArgs());
        using var http = TrustingGatewayCa();
        var user = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "dashboard-viewer", Agents = { agent.Name } });
        using var proxied = new HttpRequestMessage(HttpMethod.Get, new Uri(platform.HttpUrl, $"/k8s-proxy/{agent.Name}/api/v1/namespaces"));
        proxied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        Assert.True((await http.SendAsync(proxied)).IsSuccessStatusCode, "the request through the tunnel failed");

        var exported = await Eventually.UntilAsync(
            async () => await http.GetStringAsync(new Uri(platform.OperationsUrl, "/metrics")) + "\n" + await http.GetStringAsync(new Uri(process.StatusUrl, "/metrics")),
            text => text.Contains("plural_gateway_tunnel_requests_total", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the proxied request counted");
        var queries = Queries();

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            foreach (var metric in MetricsOf(query))
            {
                Assert.True(Regex.IsMatch(exported, $@"(?m)^{metric}[{{ ]"), $"'{query}' names {metric}, which no process exports");
                foreach (var label in GroupedBy(query).Where(l => !ScrapeLabels.Contains(l)))
                {
                    Assert.True(Regex.IsMatch(exported, $@"(?m)^{metric}{{[^}}]*\b{label}="""), $"'{query}' groups {metric} by {label}, which it does not carry");
                }
            }
        }
    }

    private static List<string> Queries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "deploy", "grafana", "plural-dashboard.json")));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    /// <summary>The metric names of a query: its identifiers once selectors, ranges, groupings and numbers are gone.</summary>
    private static IEnumerable<string> MetricsOf(string query)
    {
        var bare = Selectors().Replace(query, " ");
        bare = Groupings().Replace(bare, " ");
        return Identifiers().Matches(bare).Select(m => m.Value).Where(w => !PromQlWords.Contains(w)).Distinct();
    }

    private static IEnumerable<string> GroupedBy(string query) =>
        Groupings().Matches(query).SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(l => l != "le");

    private HttpClient TrustingGatewayCa()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(platform.Certificates.AuthorityFile)) },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    [GeneratedRegex(@"\{[^}]*\}|\[[^\]]*\]|""[^""]*""|\b\d+(\.\d+)?\b")]
    private static partial Regex Selectors();

    [GeneratedRegex(@"\b(by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
