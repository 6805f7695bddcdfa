namespace Plural.AgentK.Leadership;

/// <summary>
/// Whether this replica leads its agent now, and a way to wait until it does. Without an election the replica leads
/// from the start and for ever, which is how a single agent process always behaved.
/// </summary>
internal sealed class LeaderTerms
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private TaskCompletionSource<LeaderTerm> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _running;
    private long _number;

    private LeaderTerms(bool elects, TimeProvider clock)
    {
        Elects = elects;
        _clock = clock;
    }

    /// <summary>Terms decided by an election; none has begun yet.</summary>
    public static LeaderTerms Elected(TimeProvider clock) => new(true, clock);

    /// <summary>No election: one term that starts now and never ends.</summary>
    public static LeaderTerms Always(TimeProvider clock)
    {
        var terms = new LeaderTerms(false, clock);
        terms.Begin(CancellationToken.None);
        return terms;
    }

    /// <summary>An election decides the terms (more than one replica may run).</summary>
    public bool Elects { get; }

    /// <summary>The term running now, or null while another replica leads (or nobody does).</summary>
    public LeaderTerm? Current
    {
        get
        {
            lock (_gate)
            {
                return _next.Task.IsCompletedSuccessfully && !_next.Task.Result.Ended.IsCancellationRequested ? _next.Task.Result : null;
            }
        }
    }

    /// <summary>The running term, or the next one once this replica leads again.</summary>
    public Task<LeaderTerm> WaitAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_next.Task.IsCompletedSuccessfully && _next.Task.Result.Ended.IsCancellationRequested)
            {
                _next = new TaskCompletionSource<LeaderTerm>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _next.Task.WaitAsync(ct);
        }
    }

    /// <summary>Starts a term; <paramref name="ended"/> ends it (the elector's watchdog, or never).</summary>
    internal LeaderTerm Begin(CancellationToken ended)
    {
        lock (_gate)
        {
            var term = new LeaderTerm(++_number, _clock.GetUtcNow(), ended);
            if (_next.Task.IsCompleted)
            {
                _next = new TaskCompletionSource<LeaderTerm>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _next.SetResult(term);
            return term;
        }
    }

    /// <summary>Starts a term that lasts until <see cref="End"/> or until its watchdog fires.</summary>
    internal (LeaderTerm Term, CancellationTokenSource Watchdog) Begin()
    {
        var watchdog = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _clock);
        lock (_gate)
        {
            _running = watchdog;
        }

        return (Begin(watchdog.Token), watchdog);
    }

    /// <summary>Ends the running term at once.</summary>
    internal void End()
    {
        CancellationTokenSource? running;
        lock (_gate)
        {
            (running, _running) = (_running, null);
        }

        running?.Cancel();
    }
}
