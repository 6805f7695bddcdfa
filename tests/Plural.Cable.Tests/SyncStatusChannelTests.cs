using Plural.Testing.Cable;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;
using Plural.Protocol.Server;
using static Plural.Cable.Tests.Infrastructure.ShopRepository;

namespace Plural.Cable.Tests;

/// <summary>
/// <c>SyncStatusChannel</c> through the stock <c>@rails/actioncable</c> client: what a commit does to an agent's cluster,
/// as it happens, from a repository the silo polls to a real agent applying to the emulator.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class SyncStatusChannelTests(CablePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_subscriber_sees_each_commit_sent_and_what_the_agent_applied_failed_and_pruned()
    {
        var agent = await platform.RegisterAgentAsync("synced");
        var settings = "settings-" + agent.Name;
        using var repository = LocalGitRepository.Create(new Dictionary<string, string>
        {
            [$".plural/agents/{agent.Name}/config.yaml"] = Config,
            ["deploy/settings.yaml"] = ConfigMap(settings, "hello"),
            ["deploy/legacy.yaml"] = ConfigMap("legacy-" + agent.Name, "old"),
        });
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(CablePlatform.AdminToken));
        await client.SubscribeAsync("sync", new { channel = "SyncStatusChannel", agent = agent.Name });
        var snapshot = await client.WaitForMessageAsync("sync", m => (string?)m["type"] == "snapshot", Wait);
        Assert.Equal(agent.Name, (string?)snapshot["agent"]);
        Assert.Empty(snapshot["targets"]!.AsArray());

        var source = await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = repository.Url });
        var sent = await client.WaitForMessageAsync("sync", m => Target(m) is { } t && (string?)t["desired_commit"] == source.Commit, Wait);
        Assert.Equal(2, (int)Target(sent)!["documents"]!);
        await using var process = await platform.StartAgentAsync(agent, platform.GatewayB);
        var applied = await client.WaitForMessageAsync("sync", m => (string?)Target(m)?["reported_commit"] == source.Commit, Wait);
        Assert.All(Objects(applied), o => Assert.Equal("applied", (string?)o["state"]));
        Assert.Equal(2, Objects(applied).Count);

        // A commit that drops one object and adds one the API server refuses.
        var second = repository.Commit(new Dictionary<string, string>
        {
            ["deploy/refused.yaml"] = ConfigMap("Not_A_Valid_Name", "nope"),
        }, "deploy/legacy.yaml");
        await platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = repository.Url });
        var reported = await client.WaitForMessageAsync("sync", m => (string?)Target(m)?["reported_commit"] == second, Wait);

        var objects = Objects(reported);
        Assert.Equal("applied", (string?)Named(objects, settings)["state"]);
        Assert.Equal("pruned", (string?)Named(objects, "legacy-" + agent.Name)["state"]);
        var refused = Named(objects, "Not_A_Valid_Name");
        Assert.Equal(("failed", "deploy/refused.yaml"), ((string?)refused["state"], (string?)refused["path"]));
        Assert.StartsWith("422 Invalid", (string?)refused["message"]);
        // Every change came as it happened, numbered without gaps after the snapshot.
        var changes = client.Received("sync").Where(m => (string?)m["type"] == "sync_status").Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => (long)snapshot["seq"]! + i), changes);
    }

    [Fact]
    public async Task A_subscription_needs_an_agent_the_caller_may_see()
    {
        var mine = await platform.RegisterAgentAsync("sync-mine");
        var theirs = await platform.RegisterAgentAsync("sync-theirs");
        var token = await platform.IssueUserTokenAsync("bob", mine.Name);
        await using var client = await CableDriver.StartAsync(platform.GatewayA.CableUrl(token));

        await client.SubscribeAsync("theirs", new { channel = "SyncStatusChannel", agent = theirs.Name });
        var forbidden = await client.WaitForAsync(e => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == "reject_subscription", Wait);
        Assert.Contains($"may not see agent {theirs.Name}", (string?)forbidden["frame"]!["reason"]);
        await client.SubscribeAsync("mine", new { channel = "SyncStatusChannel", agent = mine.Name });
        await client.WaitForMessageAsync("mine", m => (string?)m["type"] == "snapshot", Wait);
        await client.SubscribeAsync("nameless", new { channel = "SyncStatusChannel" });

        var needsAgent = await client.WaitForAsync(e => CableDriver.Is(e, "frame") && (string?)e["frame"]!["type"] == "reject_subscription"
            && ((string?)e["frame"]!["reason"] ?? "").Contains("needs \"agent\""), Wait);
        Assert.NotNull(needsAgent);
    }

    private static JsonObject? Target(JsonObject message) =>
        message["targets"]?.AsArray().Select(t => t!.AsObject()).FirstOrDefault(t => (string?)t["target"] == "shop");

    private static JsonObject Named(List<JsonObject> objects, string name) =>
        objects.SingleOrDefault(o => (string?)o["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"no single object {name} in the report: {string.Join(", ", objects.Select(o => o.ToJsonString()))}");

    private static List<JsonObject> Objects(JsonObject message) =>
        [.. Target(message)!["objects"]!.AsArray().Select(o => o!.AsObject())];
}
