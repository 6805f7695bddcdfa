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
        // State stored before positions were counted: its events take the first positions.
        state.State.Appended = Math.Max(state.State.Appended, state.State.Events.Count);
        this.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions { DueTime = SaveInterval, Period = SaveInterval });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await SaveAsync(cancellationToken);

    public Task Append(IReadOnlyList<AuditEvent> events)
    {
        var kept = state.State.Events;
        kept.AddRange(events);
        state.State.Appended += events.Count;
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

    public Task<AuditPage> List(AuditQuery query)
    {
        var kept = state.State.Events;
        var pageSize = Math.Clamp(query.PageSize, 0, IAgentAuditGrain.Capacity);
        var page = new List<AuditEvent>(Math.Min(pageSize, kept.Count));
        long? next = null, lastReturned = null;
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            var position = state.State.PositionOf(i);
            if (query.Before is { } before && position >= before || !Matches(kept[i], query))
            {
                continue;
            }

            if (page.Count == pageSize)
            {
                // One more match exists: the next page starts below the last one returned.
                next = lastReturned;
                break;
            }

            page.Add(kept[i]);
            lastReturned = position;
        }

        return Task.FromResult(new AuditPage(page, next));
    }

    private static bool Matches(AuditEvent e, AuditQuery query) =>
        (query.User.Length == 0 || e.User == query.User)
        && (query.Verb.Length == 0 || e.Request.Verb == query.Verb)
        && (query.Since is not { } since || e.Time >= since)
        && (query.Until is not { } until || e.Time < until);

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
