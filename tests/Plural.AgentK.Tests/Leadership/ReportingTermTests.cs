using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Events;
using Plural.AgentK.Leadership;
using Plural.AgentK.Session;
using Plural.AgentK.Tests.Cache;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Leadership;

/// <summary>
/// Cluster events leave a replica only while it leads: after it told the gateway so on the same session, starting
/// from where the gateway said the event log left off, and never after its term ended.
/// </summary>
public sealed class ReportingTermTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed record Replica(ClusterCache Cache, ClusterEventQueue Queue, ClusterEventReporter Reporter, LeaderTerms Terms, PublishedVersionsInbox Inbox);

    private static Replica Create()
    {
        var options = CacheFactory.Options<ClusterEventOptions>(o => o.BatchInterval = TimeSpan.FromMilliseconds(10));
        var cache = CacheFactory.Cache();
        var terms = LeaderTerms.Elected(TimeProvider.System);
        var queue = new ClusterEventQueue(cache, options, terms);
        var inbox = new PublishedVersionsInbox();
        var announcer = new LeadershipAnnouncer(inbox, Options.Create(new LeaderElectionOptions { LeaseName = "agent", Identity = "pod-b" }));
        return new Replica(cache, queue, new ClusterEventReporter(queue, cache, options, TimeProvider.System, terms, announcer, inbox), terms, inbox);
    }

    private static SessionWriter Session(RecordingStreamWriter stream) =>
        new(stream, new HashSet<string> { ClusterEventReporter.EventsCapability, LeadershipAnnouncer.Capability });

    private static CacheChange Pod(string name, string resourceVersion) =>
        new(CacheChange.Modified, CacheFactory.Pod("shop", name) with { ResourceVersion = resourceVersion }, DateTimeOffset.UtcNow);

    private static GatewayMessage LogLeftOffAt(string podVersion) => new()
    {
        PublishedVersions = new PublishedVersions
        {
            ResourceVersions = { ["Pod"] = podVersion },
            LogStartedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
        },
    };

    [Fact]
    public async Task A_new_leader_announces_itself_then_sends_only_what_the_log_does_not_have()
    {
        var replica = Create();
        var stream = new RecordingStreamWriter();
        using var session = new CancellationTokenSource();
        var running = replica.Reporter.RunAsync(Session(stream), session.Token);
        replica.Cache.Publish([Pod("a", "10"), Pod("b", "11"), Pod("c", "12")]);
        await Task.Delay(200);
        Assert.Empty(stream.Messages);

        var (_, watchdog) = replica.Terms.Begin();
        await Eventually.HoldsAsync(() => stream.Messages.Count == 1, Timeout, "the leadership announcement");
        replica.Inbox.Handle(LogLeftOffAt("11"));
        await Eventually.HoldsAsync(() => stream.Events.Count == 1, Timeout, "the change the log does not have");

        Assert.Equal(new Protocol.Agent.Leadership { Leader = true, Identity = "pod-b" }, stream.Messages[0].Leadership);
        Assert.Equal([("c", "12")], stream.Events.Select(e => (e.Name, e.ResourceVersion)));
        await session.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        watchdog.Dispose();
    }

    [Fact]
    public async Task A_replica_whose_term_ended_sends_no_further_change()
    {
        var replica = Create();
        var stream = new RecordingStreamWriter();
        using var session = new CancellationTokenSource();
        var running = replica.Reporter.RunAsync(Session(stream), session.Token);
        var (_, watchdog) = replica.Terms.Begin();
        await Eventually.HoldsAsync(() => stream.Messages.Count == 1, Timeout, "the leadership announcement");
        replica.Inbox.Handle(LogLeftOffAt("0"));
        replica.Cache.Publish([Pod("a", "10")]);
        await Eventually.HoldsAsync(() => stream.Events.Count == 1, Timeout, "the change made while leading");

        replica.Terms.End();
        replica.Cache.Publish([Pod("b", "11")]);
        await Task.Delay(300);

        Assert.Equal(["a"], stream.Events.Select(e => e.Name));
        Assert.True(replica.Queue.Standby);
        Assert.False(running.IsCompleted, "the reporter waits for the next term while the session lasts");
        await session.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        watchdog.Dispose();
    }

    [Fact]
    public async Task Against_a_gateway_without_elections_a_leader_sends_no_announcement_and_only_what_it_sees_as_leader()
    {
        var replica = Create();
        var stream = new RecordingStreamWriter();
        using var session = new CancellationTokenSource();
        var running = replica.Reporter.RunAsync(new SessionWriter(stream, new HashSet<string> { ClusterEventReporter.EventsCapability }), session.Token);
        replica.Cache.Publish([Pod("before", "10")]);
        await Task.Delay(50);

        var (_, watchdog) = replica.Terms.Begin();
        await Eventually.HoldsAsync(() => !replica.Queue.Standby, Timeout, "the takeover");
        replica.Cache.Publish([Pod("after", "11")]);
        await Eventually.HoldsAsync(() => stream.Events.Count == 1, Timeout, "the change seen as leader");

        Assert.All(stream.Messages, m => Assert.Equal(AgentMessage.KindOneofCase.ClusterEvents, m.KindCase));
        Assert.Equal(["after"], stream.Events.Select(e => e.Name));
        await session.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        watchdog.Dispose();
    }
}
