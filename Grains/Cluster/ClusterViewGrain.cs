using Microsoft.Extensions.Logging;
using Plural.Grains.Agents;

namespace Plural.Grains.Cluster;

/// <inheritdoc cref="IClusterViewGrain"/>
public sealed partial class ClusterViewGrain(
    [PersistentState("cluster-view")] IPersistentState<ClusterViewState> state,
    TimeProvider clock,
    ILogger<ClusterViewGrain> logger) : Grain, IClusterViewGrain
{
    // Agents refresh an unchanged view every 30 s by default; a longer silence means the agent was away.
    private static readonly TimeSpan AwayAfter = TimeSpan.FromMinutes(1);

    // Unchanged views refresh the age in memory; storage is written at this pace, so a restarted silo serves an
    // age at most this much too old.
    private static readonly TimeSpan PersistInterval = TimeSpan.FromMinutes(5);

    private DateTimeOffset? _persistedAt;

    private string AgentId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _persistedAt = state.State.ReceivedAt;
        return Task.CompletedTask;
    }

    public async Task<bool> Report(ClusterView view)
    {
        var now = clock.GetUtcNow();
        var previous = state.State.View;
        var previousAt = state.State.ReceivedAt;
        var changed = previous is null || !previous.SameStateAs(view);
        var back = previousAt is null || now - previousAt > AwayAfter;

        state.State.View = view with { AgentId = AgentId };
        state.State.ReceivedAt = now;
        if (changed || back || _persistedAt is null || now - _persistedAt > PersistInterval)
        {
            await state.WriteStateAsync();
            _persistedAt = now;
        }

        if (changed)
        {
            LogChanged(logger, AgentId, view.NodeCount, view.NodesReady, view.WorkloadsNotAvailable.Count);
        }

        return changed || back;
    }

    public async Task<ClusterViewSnapshot> Get()
    {
        var agent = await GrainFactory.GetGrain<IAgentGrain>(AgentId).Get();
        var status = agent?.Status;
        var receivedAt = state.State.ReceivedAt;
        var age = receivedAt is { } at ? clock.GetUtcNow() - at : (TimeSpan?)null;
        return new ClusterViewSnapshot(AgentId, state.State.View, receivedAt, age, Offline: status?.Connected != true, status?.Since);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug,
        Message = "Cluster view of agent {AgentId} changed: {NodesReady}/{NodeCount} nodes ready, {Unavailable} workloads not available")]
    private static partial void LogChanged(ILogger logger, string agentId, int nodeCount, int nodesReady, int unavailable);
}
