using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
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

    private static (ClusterCache Cache, ClusterEventQueue Queue, ClusterEventReporter Reporter) Create(int rate)
    {
        var options = CacheFactory.Options<ClusterEventOptions>(o =>
        {
            o.MaxEventsPerSecond = rate;
            o.BatchInterval = TimeSpan.FromMilliseconds(20);
        });
        var cache = CacheFactory.Cache();
        var queue = new ClusterEventQueue(cache, options);
        return (cache, queue, new ClusterEventReporter(queue, cache, options, TimeProvider.System));
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
