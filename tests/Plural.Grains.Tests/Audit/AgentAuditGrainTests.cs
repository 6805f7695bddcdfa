using Plural.Grains.Audit;

namespace Plural.Grains.Tests.Audit;

/// <summary>What <c>ListAuditEvents</c> reads: an agent's kept events, filtered, newest first, a page at a time.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentAuditGrainTests(ClusterFixture cluster)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Filters_by_user_verb_and_time_range_return_only_matching_events_newest_first()
    {
        var grain = NewAgent(out var agent);
        // Minute i: alice gets on even minutes, bob creates on odd ones.
        await grain.Append([.. Enumerable.Range(0, 10).Select(i => Event(agent, i, i % 2 == 0 ? "alice" : "bob", i % 2 == 0 ? "get" : "create"))]);

        var alice = await grain.List(Query(user: "alice"));
        var creates = await grain.List(Query(verb: "create"));
        var window = await grain.List(Query(since: Start.AddMinutes(3), until: Start.AddMinutes(6)));
        var bobGets = await grain.List(Query(user: "bob", verb: "get"));

        Assert.Equal([8, 6, 4, 2, 0], Minutes(alice));
        Assert.Equal([9, 7, 5, 3, 1], Minutes(creates));
        Assert.Equal([5, 4, 3], Minutes(window)); // since inclusive, until exclusive
        Assert.Empty(bobGets.Events);
        Assert.Null(alice.Next);
        // The fields added after the first version survive the trip through the grain.
        var newest = alice.Events[0];
        Assert.Equal(("user-token", "k8s-proxy", "app"), (newest.CallerKind, newest.Route, newest.Session!.Container));
        Assert.Equal(["echo", "hi"], newest.Session.Command);
    }

    [Fact]
    public async Task Pages_cover_every_match_once_and_a_token_keeps_its_place_while_new_events_arrive()
    {
        var grain = NewAgent(out var agent);
        await grain.Append([.. Enumerable.Range(0, 7).Select(i => Event(agent, i, "alice", "get"))]);

        var first = await grain.List(Query(pageSize: 3));
        await grain.Append([Event(agent, 100, "alice", "get")]);
        var second = await grain.List(Query(pageSize: 3, before: first.Next));
        var third = await grain.List(Query(pageSize: 3, before: second.Next));

        Assert.Equal([6, 5, 4], Minutes(first));
        Assert.Equal([3, 2, 1], Minutes(second));
        Assert.Equal([0], Minutes(third));
        Assert.NotNull(first.Next);
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task Only_the_last_thousand_are_kept_and_a_page_past_the_kept_ones_is_empty()
    {
        var grain = NewAgent(out var agent);
        var firstPage = await AppendAndListAsync(grain, agent, 0, 10);
        await grain.Append([.. Enumerable.Range(10, IAgentAuditGrain.Capacity).Select(i => Event(agent, i, "alice", "get"))]);

        var newest = await grain.List(Query(pageSize: IAgentAuditGrain.Capacity));
        var pastKept = await grain.List(Query(pageSize: 10, before: firstPage.Next));

        Assert.Equal(IAgentAuditGrain.Capacity, newest.Events.Count);
        Assert.Equal(IAgentAuditGrain.Capacity + 9, Minutes(newest)[0]);
        Assert.Equal(10, Minutes(newest)[^1]);
        Assert.Null(newest.Next);
        Assert.Empty(pastKept.Events);
    }

    private static async Task<AuditPage> AppendAndListAsync(IAgentAuditGrain grain, string agent, int from, int count)
    {
        await grain.Append([.. Enumerable.Range(from, count).Select(i => Event(agent, i, "alice", "get"))]);
        return await grain.List(Query(pageSize: 5));
    }

    private IAgentAuditGrain NewAgent(out string agent)
    {
        agent = "audit-" + Guid.NewGuid().ToString("N")[..8];
        return cluster.Grains.GetGrain<IAgentAuditGrain>(agent);
    }

    private static AuditQuery Query(string user = "", string verb = "", DateTimeOffset? since = null, DateTimeOffset? until = null,
        long? before = null, int pageSize = 100) => new(user, verb, since, until, before, pageSize);

    /// <summary>Each test event is stamped with its minute after <see cref="Start"/>, which the assertions read back.</summary>
    private static AuditEvent Event(string agent, int minute, string user, string verb) =>
        new(Start.AddMinutes(minute), $"req-{minute}", "gw", agent, user, [], new KubernetesRequest(verb, "", "pods", "", "default", "", ""),
            200, TimeSpan.FromMilliseconds(5), 0, 0)
        {
            CallerKind = "user-token",
            Route = "k8s-proxy",
            Session = new SessionRequest(["echo", "hi"], "app", []),
        };

    private static List<int> Minutes(AuditPage page) => [.. page.Events.Select(e => (int)(e.Time - Start).TotalMinutes)];
}
