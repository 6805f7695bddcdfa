using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.CommandLine;

/// <summary>
/// An agent whose own API server refuses it (every informer gets 401) says so up its session: the operator reads the
/// refusal in <c>plural agents get</c> (and <c>GetAgent</c>), and a cached query's failure names it instead of only
/// "not synced yet".
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class AgentHealthTests(MainAppPlatform platform) : IDisposable
{
    private readonly OperatorCli _cli = new(platform);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task An_agent_its_api_server_refuses_shows_the_401_in_its_conditions_and_in_a_cached_querys_failure()
    {
        await _cli.LoginAsync();
        var name = "health-" + Guid.NewGuid().ToString("N")[..6];
        var registered = await _cli.RunAsync("agents", "register", name, "-o", "json");
        var token = JsonDocument.Parse(registered.StandardOutput).RootElement.GetProperty("token").GetProperty("token").GetString()!;
        await using var cluster = await EmulatedCluster.StartAsync();
        var wrongToken = Path.Combine(_cli.Home.FullName, "wrong-service-account-token");
        await File.WriteAllTextAsync(wrongToken, "not-a-token-this-cluster-issued");
        await using var agent = await platform.StartAgentAsync(name, token, cluster.Server.Url, cluster.AgentArgsWithToken(wrongToken));

        var shown = await Eventually.UntilAsync(() => _cli.RunAsync("agents", "get", name, "-o", "json"),
            get => Conditions(get) is { Count: > 1 } all && all.Where(c => c.Type.StartsWith("informer/", StringComparison.Ordinal))
                .All(c => c.Message.StartsWith("API server answered", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "every informer's refusal reported");
        var table = await _cli.RunAsync("agents", "get", name);
        var query = await _cli.RunAsync("query", "pods", "--agent", name);

        var conditions = Conditions(shown);
        // Every cached kind is refused; the first by name is named.
        var informers = conditions.Count(c => c.Type.StartsWith("informer/", StringComparison.Ordinal));
        Assert.Equal((false, $"API server answered 401 (Unauthorized) for daemonsets and {informers - 1} more kinds"),
            conditions.Where(c => c.Type == "upstream").Select(c => (c.Ok, c.Message)).Single());
        var pods = conditions.Single(c => c.Type == "informer/pods");
        Assert.Equal((false, "API server answered 401 (Unauthorized) for pods"), (pods.Ok, pods.Message));
        Assert.Matches($@"(?m)^{name}-pod\s+upstream\s+no\s+API server answered 401 \(Unauthorized\) for ", table.StandardOutput);
        var snapshot = await CableSnapshotAsync(name);
        Assert.Contains(snapshot["agents"]![0]!["connections"]![0]!["conditions"]!.AsArray(),
            c => (string?)c!["type"] == "informer/pods" && (bool?)c["ok"] == false && (string?)c["message"] == "API server answered 401 (Unauthorized) for pods");
        Assert.NotEqual(0, query.ExitCode);
        Assert.Contains("the cache of pods has not synced yet: API server answered 401 (Unauthorized) for pods", Assert.Single(query.Errors));
    }

    /// <summary>The <c>AgentStatusChannel</c> snapshot of one agent, as the main application's browser gets it.</summary>
    private async Task<JsonObject> CableSnapshotAsync(string agent)
    {
        var authority = X509Certificate2.CreateFromPem(File.ReadAllText(platform.Certificates.AuthorityFile));
        var url = new Uri($"wss://{platform.HttpUrl.Authority}/cable?token={MainAppPlatform.AdminToken}");
        await using var cable = await RawCable.ConnectAsync(url, authority: authority);
        await cable.SubscribeAsync(new JsonObject { ["channel"] = "AgentStatusChannel", ["agent"] = agent }.ToJsonString());
        var frame = await cable.ReadUntilAsync(m => (string?)m["message"]?["type"] == "snapshot", TimeSpan.FromSeconds(30));
        return frame["message"]!.AsObject();
    }

    private static List<(string Type, bool Ok, string Message)> Conditions(ProductRunResult get) =>
        get.ExitCode != 0 ? [] :
        [.. JsonDocument.Parse(get.StandardOutput).RootElement.GetProperty("status").GetProperty("connections").EnumerateArray()
            .SelectMany(c => c.GetProperty("conditions").EnumerateArray())
            .Select(c => (c.GetProperty("type").GetString()!, c.GetProperty("ok").GetBoolean(), c.GetProperty("message").GetString()!))];
}
