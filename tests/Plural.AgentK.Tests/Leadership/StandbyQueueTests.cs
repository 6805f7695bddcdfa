using Google.Protobuf.WellKnownTypes;
using Plural.AgentK.Cache;
using Plural.AgentK.Events;
using Plural.AgentK.Leadership;
using Plural.AgentK.Tests.Cache;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Leadership;

/// <summary>
/// What a replica that does not lead keeps of the changes it sees, and what it sends when it takes over: exactly the
/// changes the platform's event log does not have yet.
/// </summary>
public sealed class StandbyQueueTests
{
    private static readonly DateTimeOffset LogStarted = DateTimeOffset.Parse("2026-01-01T10:00:00Z");

    private static ClusterEventQueue StandbyQueue(int maxPending = 100) =>
        new(CacheFactory.Cache(), CacheFactory.Options<ClusterEventOptions>(o => o.MaxPending = maxPending), LeaderTerms.Elected(TimeProvider.System));

    private static CacheChange Pod(string name, string resourceVersion, DateTimeOffset? observedAt = null) =>
        new(CacheChange.Modified, CacheFactory.Pod("shop", name) with { ResourceVersion = resourceVersion }, observedAt ?? LogStarted.AddMinutes(1));

    private static CacheChange Node(string name, string resourceVersion, DateTimeOffset observedAt) =>
        new(CacheChange.Modified, CacheFactory.Node(name, ready: true) with { ResourceVersion = resourceVersion }, observedAt);

    private static PublishedVersions Published(params (string Kind, string Version)[] highest)
    {
        var answer = new PublishedVersions { LogStartedAt = Timestamp.FromDateTimeOffset(LogStarted) };
        foreach (var (kind, version) in highest)
        {
            answer.ResourceVersions[kind] = version;
        }

        return answer;
    }

    [Fact]
    public void A_replica_that_does_not_lead_sends_nothing_it_sees()
    {
        var queue = StandbyQueue();
        queue.Enqueue(Pod("a", "10"));

        Assert.True(queue.Standby);
        Assert.Empty(queue.Take(10));
    }

    [Fact]
    public void A_new_leader_sends_only_the_changes_above_what_the_log_holds_of_their_kind_numbered_without_a_gap()
    {
        var queue = StandbyQueue();
        queue.Enqueue(Pod("a", "10"));
        queue.Enqueue(Pod("b", "11"));
        queue.Enqueue(Pod("a", "12"));
        queue.Enqueue(Pod("c", "13"));

        var (kept, published) = queue.Resume(PublishedChanges.Test(Published(("Pod", "11")), LogStarted.AddHours(1)));
        var sent = queue.Take(10);

        Assert.Equal((2, 2), (kept, published));
        Assert.Equal([("a", "12", 1L), ("c", "13", 2L)], sent.Select(e => (e.Name, e.ResourceVersion, e.Sequence)));
        Assert.False(queue.Standby);
    }

    [Fact]
    public void Versions_compare_as_numbers_not_as_text()
    {
        var queue = StandbyQueue();
        queue.Enqueue(Pod("a", "9"));
        queue.Enqueue(Pod("a", "10"));

        queue.Resume(PublishedChanges.Test(Published(("Pod", "9")), LogStarted.AddHours(1)));

        Assert.Equal(["10"], queue.Take(10).Select(e => e.ResourceVersion));
    }

    [Fact]
    public void Of_a_kind_the_log_holds_nothing_of_only_changes_seen_after_the_log_started_go_up()
    {
        var queue = StandbyQueue();
        queue.Enqueue(Node("before", "5", LogStarted.AddSeconds(-1)));
        queue.Enqueue(Node("after", "6", LogStarted.AddSeconds(1)));

        queue.Resume(PublishedChanges.Test(Published(("Pod", "100")), LogStarted.AddHours(1)));

        Assert.Equal(["after"], queue.Take(10).Select(e => e.Name));
    }

    [Fact]
    public void Without_an_answer_from_the_gateway_a_new_leader_sends_only_what_it_sees_as_leader()
    {
        var leadingSince = DateTimeOffset.UtcNow;
        var queue = StandbyQueue();
        queue.Enqueue(Pod("seen-before", "10", leadingSince.AddSeconds(-1)));

        queue.Resume(PublishedChanges.Test(answer: null, leadingSince));
        queue.Enqueue(Pod("seen-as-leader", "11", leadingSince.AddSeconds(1)));

        Assert.Equal(["seen-as-leader"], queue.Take(10).Select(e => e.Name));
    }

    [Fact]
    public void A_full_standby_queue_drops_its_oldest_and_a_takeover_shows_the_loss_as_a_gap()
    {
        var queue = StandbyQueue(maxPending: 2);
        queue.Enqueue(Pod("a", "10"));
        queue.Enqueue(Pod("b", "11"));
        queue.Enqueue(Pod("c", "12"));

        queue.Resume(PublishedChanges.Test(Published(("Pod", "9")), LogStarted.AddHours(1)));
        var sent = queue.Take(10);

        // "a" (10) was dropped and the log does not have it: number 1 is skipped, so subscribers see the gap.
        Assert.Equal([("b", 2L), ("c", 3L)], sent.Select(e => (e.Name, e.Sequence)));
    }

    [Fact]
    public void Dropping_only_changes_the_log_already_has_leaves_no_gap()
    {
        var queue = StandbyQueue(maxPending: 2);
        queue.Enqueue(Pod("a", "10"));
        queue.Enqueue(Pod("b", "11"));
        queue.Enqueue(Pod("c", "12"));

        queue.Resume(PublishedChanges.Test(Published(("Pod", "10")), LogStarted.AddHours(1)));

        Assert.Equal([("b", 1L), ("c", 2L)], queue.Take(10).Select(e => (e.Name, e.Sequence)));
    }

    [Fact]
    public void A_leader_that_steps_down_keeps_what_it_had_not_sent_for_a_later_term()
    {
        var queue = StandbyQueue();
        queue.Resume(PublishedChanges.Test(Published(), LogStarted.AddHours(1)));
        queue.Enqueue(Pod("a", "10"));
        Assert.Equal([1L], queue.Take(10).Select(e => e.Sequence));
        queue.Enqueue(Pod("b", "11"));

        queue.Suspend();
        queue.Enqueue(Pod("c", "12"));
        Assert.Empty(queue.Take(10));
        queue.Resume(PublishedChanges.Test(Published(("Pod", "11")), LogStarted.AddHours(2)));

        Assert.Equal([("c", 2L)], queue.Take(10).Select(e => (e.Name, e.Sequence)));
    }

    [Fact]
    public void Without_an_election_changes_are_sent_as_they_always_were()
    {
        var queue = new ClusterEventQueue(CacheFactory.Cache(), CacheFactory.Options<ClusterEventOptions>(), LeaderTerms.Always(TimeProvider.System));
        queue.Enqueue(Pod("a", "10"));

        Assert.False(queue.Standby);
        Assert.Equal([1L], queue.Take(10).Select(e => e.Sequence));
    }
}
