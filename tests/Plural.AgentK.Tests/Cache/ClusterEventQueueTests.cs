using Plural.AgentK.Cache;
using Plural.AgentK.Events;

namespace Plural.AgentK.Tests.Cache;

public sealed class ClusterEventQueueTests
{
    private static ClusterEventQueue Queue(int maxPending = 100) =>
        new(CacheFactory.Cache(), CacheFactory.Options<ClusterEventOptions>(o => o.MaxPending = maxPending));

    private static CacheChange Change(string name, string type = CacheChange.Modified, string phase = "Running") =>
        new(type, CacheFactory.Pod("shop", name, phase), DateTimeOffset.UtcNow);

    [Fact]
    public void Events_are_numbered_in_the_order_they_were_seen()
    {
        var queue = Queue();
        queue.Enqueue(Change("a", CacheChange.Added));
        queue.Enqueue(Change("b", CacheChange.Added));
        queue.Enqueue(Change("a", CacheChange.Deleted));

        var batch = queue.Take(10);

        Assert.Equal([1L, 2L, 3L], batch.Select(e => e.Sequence));
        Assert.Equal([("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")], batch.Select(e => (e.Type, e.Name)));
        Assert.Equal(("Pod", "shop", "Running"), (batch[0].Kind, batch[0].Namespace, batch[0].Summary));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_full_queue_replaces_an_objects_pending_change_with_its_newest()
    {
        var queue = Queue(maxPending: 3);
        queue.Enqueue(Change("a"));
        queue.Enqueue(Change("b"));
        queue.Enqueue(Change("c"));
        queue.Enqueue(Change("b", phase: "Failed"));

        var batch = queue.Take(10);

        Assert.Equal([("a", 1L), ("c", 3L), ("b", 4L)], batch.Select(e => (e.Name, e.Sequence)));
        Assert.Equal("Failed", batch[^1].Summary);
        Assert.Equal(1, queue.Dropped);
    }

    [Fact]
    public void A_full_queue_drops_the_oldest_change_for_a_new_object()
    {
        var queue = Queue(maxPending: 2);
        queue.Enqueue(Change("a"));
        queue.Enqueue(Change("b"));
        queue.Enqueue(Change("c"));

        Assert.Equal(["b", "c"], queue.Take(10).Select(e => e.Name));
        Assert.Equal(1, queue.Dropped);
    }

    [Fact]
    public async Task Waiting_completes_when_an_event_arrives()
    {
        var queue = Queue();
        var waiting = queue.WaitAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        queue.Enqueue(Change("a"));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Single(queue.Take(1));
        Assert.False(queue.WaitAsync(CancellationToken.None).IsCompleted);
    }
}
