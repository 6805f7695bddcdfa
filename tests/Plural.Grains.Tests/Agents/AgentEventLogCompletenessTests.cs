using Orleans.Runtime;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;

namespace Plural.Grains.Tests.Agents;

/// <summary>Whether an agent's event log can vouch that a read after a position misses nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentEventLogCompletenessTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_read_after_the_last_position_waits_for_the_next_events_and_is_complete()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();

        var reading = log.ReadPage(start, 10, TimeSpan.FromSeconds(10));
        await PublishAsync(agent, 3);
        var page = await reading;
        if (page.Events.Count < 3)
        {
            page = await log.ReadPage(start, 10, TimeSpan.Zero);
        }

        Assert.True(page.Complete);
        Assert.Equal(start, page.CompleteAfter);
        Assert.Equal([start + 1, start + 2, start + 3], page.Events.Select(e => e.Position));
        Assert.Equal([1L, 2, 3], page.Events.Select(e => e.Event.Sequence));
    }

    [Fact]
    public async Task A_read_with_nothing_new_returns_empty_and_complete_after_the_wait()
    {
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(AgentFactory.NewName());
        var start = await log.LastPosition();

        var page = await log.ReadPage(start, 10, TimeSpan.FromMilliseconds(200));

        Assert.True(page.Complete);
        Assert.Empty(page.Events);
    }

    [Fact]
    public async Task A_read_from_before_the_activation_started_is_incomplete_and_answers_at_once()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        await PublishAsync(agent, 2);

        // Anything below the activation's start was handed out by an earlier activation, whose events are gone.
        var page = await log.ReadPage(start - 1, 10, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(page.Complete);
        Assert.Equal(start, page.CompleteAfter);
        Assert.Equal([start + 1, start + 2], page.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task A_read_from_before_the_oldest_kept_event_is_incomplete_from_the_oldest_on()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        await PublishAsync(agent, IAgentEventLogGrain.Capacity + 5);

        var evicted = await log.ReadPage(start + 4, 10, TimeSpan.Zero);
        var kept = await log.ReadPage(start + 5, 10, TimeSpan.Zero);

        Assert.False(evicted.Complete);
        Assert.Equal(start + 5, evicted.CompleteAfter);
        Assert.Equal(start + 6, evicted.Events[0].Position);
        Assert.True(kept.Complete);
        Assert.Equal(start + 6, kept.Events[0].Position);
    }

    [Fact]
    public async Task A_read_after_a_position_beyond_the_last_is_incomplete()
    {
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(AgentFactory.NewName());
        var start = await log.LastPosition();

        var page = await log.ReadPage(start + 1, 10, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(page.Complete);
        Assert.Equal(start, page.CompleteAfter);
    }

    [Fact]
    public async Task After_the_log_is_deactivated_it_still_vouches_for_the_positions_it_handed_out()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        await PublishAsync(agent, 3);

        await DeactivateAllAsync();
        var page = await log.ReadPage(start + 1, 10, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(page.Complete);
        Assert.Equal([start + 2, start + 3], page.Events.Select(e => e.Position));
        Assert.Equal(["cm-2", "cm-3"], page.Events.Select(e => e.Event.Name));
        Assert.Equal(start + 3, await log.LastPosition());
    }

    [Fact]
    public async Task A_log_read_back_from_storage_keeps_its_newest_capacity_of_events_across_sealed_segments()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        const int count = IAgentEventLogGrain.Capacity + 250;
        for (var from = 1; from <= count; from += 70)
        {
            await AppendAsync(log, agent, from, Math.Min(count, from + 69));
        }

        await DeactivateAllAsync();
        var evicted = await log.ReadPage(start + 249, 10, TimeSpan.Zero);
        var kept = await log.ReadPage(start + 250, 2000, TimeSpan.Zero);

        Assert.False(evicted.Complete);
        Assert.Equal(start + 250, evicted.CompleteAfter);
        Assert.True(kept.Complete);
        Assert.Equal(Enumerable.Range(251, IAgentEventLogGrain.Capacity).Select(i => start + i), kept.Events.Select(e => e.Position));
        Assert.Equal(Enumerable.Range(251, IAgentEventLogGrain.Capacity).Select(i => $"cm-{i}"), kept.Events.Select(e => e.Event.Name));
    }

    [Fact]
    public async Task An_append_repeated_with_the_same_batch_id_is_taken_once()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        IReadOnlyList<ClusterEvent> batch = [Event(agent, 1), Event(agent, 2)];

        var first = await log.Append("batch-1", batch);
        await DeactivateAllAsync();
        var repeated = await log.Append("batch-1", batch);
        var next = await log.Append("batch-2", [Event(agent, 3)]);

        Assert.Equal(start + 2, first);
        Assert.Equal(start + 2, repeated);
        Assert.Equal(start + 3, next);
        var page = await log.ReadPage(start, 10, TimeSpan.Zero);
        Assert.Equal(["cm-1", "cm-2", "cm-3"], page.Events.Select(e => e.Event.Name));
    }

    private async Task DeactivateAllAsync()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }

    private async Task PublishAsync(string agent, int count) =>
        await AppendAsync(fixture.Grains.GetGrain<IAgentEventLogGrain>(agent), agent, 1, count);

    // As a gateway does with a batch an agent sent up its session.
    private static Task<long> AppendAsync(IAgentEventLogGrain log, string agent, int from, int to) =>
        log.Append(Guid.NewGuid().ToString("N"), [.. Enumerable.Range(from, to - from + 1).Select(i => Event(agent, i))]);

    private static ClusterEvent Event(string agent, int i) =>
        new(agent, i, ClusterEventTypes.Added, "ConfigMap", "demo", $"cm-{i}", $"{i}", "", DateTimeOffset.UtcNow);
}
