namespace Plural.Grains.Audit;

/// <inheritdoc cref="IAgentAuditGrain"/>
/// <remarks>
/// Storage is written at most every <see cref="SaveInterval"/> and on deactivation, not per batch: a busy agent's
/// gateways send a batch a second, and the list is rewritten whole.
/// </remarks>
public sealed class AgentAuditGrain([PersistentState("audit")] IPersistentState<AgentAuditState> state) : Grain, IAgentAuditGrain
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions { DueTime = SaveInterval, Period = SaveInterval });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await SaveAsync(cancellationToken);

    public Task Append(IReadOnlyList<AuditEvent> events)
    {
        var kept = state.State.Events;
        kept.AddRange(events);
        if (kept.Count > IAgentAuditGrain.Capacity)
        {
            kept.RemoveRange(0, kept.Count - IAgentAuditGrain.Capacity);
        }

        _dirty = true;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEvent>> Recent(int limit)
    {
        var kept = state.State.Events;
        var count = Math.Clamp(limit, 0, kept.Count);
        var newestFirst = new List<AuditEvent>(count);
        for (var i = kept.Count - 1; i >= kept.Count - count; i--)
        {
            newestFirst.Add(kept[i]);
        }

        return Task.FromResult<IReadOnlyList<AuditEvent>>(newestFirst);
    }

    private async Task SaveAsync(CancellationToken _)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        await state.WriteStateAsync();
    }
}
