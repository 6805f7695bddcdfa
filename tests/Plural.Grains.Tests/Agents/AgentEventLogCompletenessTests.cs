using Orleans.Runtime;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Agents;

/// <summary>Whether an agent's event log can vouch that a read after a position misses nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentEventLogCompletenessTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

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
    public async Task After_the_log_is_deactivated_a_position_of_the_earlier_activation_is_incomplete()
    {
        var agent = AgentFactory.NewName();
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var start = await log.LastPosition();
        await PublishAsync(agent, 2);
        var seen = start + 2;

        await Task.Delay(TimeSpan.FromMilliseconds(50));
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var page = await log.ReadPage(seen, 10, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(page.Complete);
        Assert.True(page.CompleteAfter > seen, $"the new activation starts at {page.CompleteAfter}, not above {seen}");
        Assert.Empty(page.Events);
    }

    private async Task PublishAsync(string agent, int count)
    {
        var log = fixture.Grains.GetGrain<IAgentEventLogGrain>(agent);
        var before = await log.LastPosition();
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<ClusterEvent>(StreamId.Create(StreamNames.ClusterEvents, agent));
        for (var i = 1; i <= count; i++)
        {
            await stream.OnNextAsync(new ClusterEvent(agent, i, ClusterEventTypes.Added, "ConfigMap", "demo", $"cm-{i}", $"{i}", "", DateTimeOffset.UtcNow));
        }

        await Eventually.UntilAsync(log.LastPosition, last => last == before + count, Wait, $"the log of {agent} holding {count} new events");
    }
}
