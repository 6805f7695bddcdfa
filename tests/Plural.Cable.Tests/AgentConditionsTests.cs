using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>
/// <c>AgentStatusChannel</c> through the stock <c>@rails/actioncable</c> client: a page showing an agent learns when the
/// agent's health changes while it stays connected, not only when it connects or leaves.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class AgentConditionsTests(CablePlatform platform) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("plural-conditions-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_subscriber_is_told_when_a_connected_agents_api_server_stops_refusing_it()
    {
        var agent = await platform.RegisterAgentAsync("conditions");
        var tokenFile = Path.Combine(_directory.FullName, "service-account-token");
        await File.WriteAllTextAsync(tokenFile, "not-a-token-this-cluster-issued");
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayA, "pod",
            $"--Agent:Upstream:BearerTokenFile={tokenFile}", "--Agent:Cache:InitialBackoff=00:00:00.200", "--Agent:Cache:MaxBackoff=00:00:01");
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("status", new { channel = "AgentStatusChannel", agent = agent.Name });

        // The refusal shows in the snapshot, or in an update if the agent had not reported it yet.
        var refused = await client.WaitForMessageAsync("status", m => Upstream(m) is { Ok: false }, Wait);
        await File.WriteAllTextAsync(tokenFile, platform.Emulator.AgentToken);
        var recovered = await client.WaitForMessageAsync("status",
            m => (string?)m["type"] == "agent_conditions" && Upstream(m) is { Ok: true }, Wait);

        Assert.StartsWith("API server answered 401 (Unauthorized) for ", Upstream(refused)!.Value.Message);
        Assert.Equal(agent.Name, (string?)recovered["agent"]);
        Assert.True((bool)recovered["connected"]!);
        Assert.Equal(platform.GatewayA.Id, (string?)recovered["gateway"]);
        Assert.Equal($"{agent.Name}-pod", (string?)recovered["instance"]);
        Assert.Equal("the API server answers", Upstream(recovered)!.Value.Message);
    }

    /// <summary>The <c>upstream</c> condition of a snapshot's first connection or of an <c>agent_status</c>, if it has one.</summary>
    private static (bool Ok, string Message)? Upstream(JsonObject message)
    {
        var conditions = (string?)message["type"] == "snapshot"
            ? message["agents"]?[0]?["connections"]?[0]?["conditions"]
            : message["conditions"];
        return conditions?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "upstream") is { } upstream
            ? ((bool)upstream["ok"]!, (string?)upstream["message"] ?? "")
            : null;
    }
}
