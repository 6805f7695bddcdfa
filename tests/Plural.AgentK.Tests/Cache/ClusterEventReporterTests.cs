using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Plural.AgentK.Cache;
using Plural.AgentK.Events;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Cache;

public sealed class ClusterEventReporterTests
{
    [Fact]
    public async Task Events_go_up_in_batches_within_the_batch_interval()
    {
        var (cache, queue, reporter) = Create(rate: 1000);
        var session = new CapturingWriter();
        using var end = new CancellationTokenSource();
        var running = reporter.RunAsync(new SessionWriter(session), end.Token);

        var sent = Stopwatch.StartNew();
        cache.Publish([.. Enumerable.Range(0, 30).Select(i => Change($"p{i}"))]);
        await Eventually.HoldsAsync(() => session.Events.Count == 30, TimeSpan.FromSeconds(10), "30 events sent");
        sent.Stop();
        await end.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(session.Batches.Count < 30, "events were sent one per message");
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), session.Events.Select(e => e.Sequence));
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"took {sent.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task The_reporter_holds_to_its_rate_after_the_first_burst()
    {
        const int rate = 50;
        var (cache, _, reporter) = Create(rate);
        var session = new CapturingWriter();
        using var end = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var running = reporter.RunAsync(new SessionWriter(session), end.Token);

        cache.Publish([.. Enumerable.Range(0, 400).Select(i => Change($"p{i}"))]);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var elapsed = clock.Elapsed;
        var count = session.Events.Count;
        await end.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        // A full bucket at the start, then the rate: a loaded machine sends fewer, never more.
        Assert.InRange(count, rate, rate + (int)(rate * elapsed.TotalSeconds));
    }

    [Fact]
    public async Task A_change_after_a_quiet_period_leaves_at_once_and_a_burst_waits_one_window_for_company()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (cache, _, reporter) = Create(rate: 1000, TimeSpan.FromSeconds(10), clock);
        var session = new CapturingWriter();
        using var end = new CancellationTokenSource();
        var running = reporter.RunAsync(new SessionWriter(session), end.Token);

        // No time passes on the reporter's clock: the first change cannot have waited for a window.
        cache.Publish([Change("first")]);
        await Eventually.HoldsAsync(() => session.Batches.Count == 1, TimeSpan.FromSeconds(10), "the first change sent");

        cache.Publish([Change("second")]);
        cache.Publish([Change("third")]);
        await Task.Delay(200);
        Assert.Single(session.Batches);

        clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => session.Batches.Count == 2, TimeSpan.FromSeconds(10), "the burst sent");
        Assert.Equal(["second", "third"], session.Batches.Last().Events.Select(e => e.Name));

        // A quiet period as long as the window: the next change leaves at once again.
        clock.Advance(TimeSpan.FromSeconds(10));
        cache.Publish([Change("after-quiet")]);
        await Eventually.HoldsAsync(() => session.Batches.Count == 3, TimeSpan.FromSeconds(10), "the change after the quiet period sent");
        await end.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    private static (ClusterCache Cache, ClusterEventQueue Queue, ClusterEventReporter Reporter) Create(
        int rate, TimeSpan? batchInterval = null, TimeProvider? clock = null)
    {
        var options = CacheFactory.Options<ClusterEventOptions>(o =>
        {
            o.MaxEventsPerSecond = rate;
            o.BatchInterval = batchInterval ?? TimeSpan.FromMilliseconds(20);
        });
        var cache = CacheFactory.Cache();
        var queue = new ClusterEventQueue(cache, options);
        return (cache, queue, new ClusterEventReporter(queue, cache, options, clock ?? TimeProvider.System));
    }

    private static CacheChange Change(string name) => new(CacheChange.Added, CacheFactory.Pod("shop", name), DateTimeOffset.UtcNow);

    private sealed class CapturingWriter : IClientStreamWriter<AgentMessage>
    {
        public ConcurrentQueue<ClusterEventBatch> Batches { get; } = new();

        public IReadOnlyList<ClusterEventRecord> Events => [.. Batches.SelectMany(b => b.Events)];

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(AgentMessage message)
        {
            Batches.Enqueue(message.ClusterEvents);
            return Task.CompletedTask;
        }

        public Task CompleteAsync() => Task.CompletedTask;
    }
}
