using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Leadership;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Views;

/// <summary>
/// Sends the view up the session: at the start of each session once the cache has synced, after changes
/// (debounced), and at least every refresh interval. Among several replicas only the leader sends, from the start of
/// each of its terms.
/// </summary>
internal sealed class ClusterViewReporter : ISessionReporter
{
    /// <summary>Capability of agents that send <c>cluster_view</c>.</summary>
    public const string ViewsCapability = "cluster.views.v1";

    private readonly ClusterCache _cache;
    private readonly ClusterViewCalculator _calculator;
    private readonly ClusterViewOptions _options;
    private readonly TimeProvider _clock;
    private readonly LeaderTerms? _terms;
    private readonly LeadershipAnnouncer? _announcer;
    private readonly ChangeSignal _changes = new();
    private long _sequence;

    public ClusterViewReporter(ClusterCache cache, ClusterViewCalculator calculator, IOptions<ClusterViewOptions> options, TimeProvider clock,
        LeaderTerms? terms = null, LeadershipAnnouncer? announcer = null)
    {
        _terms = terms;
        _announcer = announcer;
        _cache = cache;
        _calculator = calculator;
        _options = options.Value;
        _clock = clock;
        Capability = cache.Enabled && _options.Enabled ? ViewsCapability : null;
        if (Capability is not null)
        {
            cache.Updated += _changes.Signal;
        }
    }

    public string? Capability { get; }

    /// <summary>The last view sent, on any session.</summary>
    public ClusterViewReport? LastSent { get; private set; }

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        if (_terms is not { Elects: true })
        {
            await SendAsync(session, sessionEnded);
            return;
        }

        while (true)
        {
            var term = await _terms.WaitAsync(sessionEnded);
            using var acting = CancellationTokenSource.CreateLinkedTokenSource(term.Ended, sessionEnded);
            try
            {
                await _announcer!.AnnounceAsync(session, term, acting.Token);
                await SendAsync(session, acting.Token);
            }
            catch (OperationCanceledException) when (!sessionEnded.IsCancellationRequested)
            {
                // The term is over; the next leader sends its own view.
            }
        }
    }

    private async Task SendAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        ClusterViewReport? sent = null;
        var sentAt = 0L;
        while (true)
        {
            var seen = _changes.Version;
            if (_cache.Synced)
            {
                var view = _calculator.Compute();
                var due = sent is null || _clock.GetElapsedTime(sentAt) >= _options.RefreshInterval;
                if (due || !ClusterViewCalculator.SameContent(view, sent!))
                {
                    view.Sequence = Interlocked.Increment(ref _sequence);
                    await session.WriteAsync(new AgentMessage { ClusterView = view }, sessionEnded);
                    sent = LastSent = view;
                    sentAt = _clock.GetTimestamp();
                }
            }

            // Sleep until something changed or the refresh is due; the warning window also moves with time.
            var wait = sent is null ? Timeout.InfiniteTimeSpan : _options.RefreshInterval - _clock.GetElapsedTime(sentAt);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(sessionEnded);
            if (wait != Timeout.InfiniteTimeSpan)
            {
                timer.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
            }

            try
            {
                await _changes.WaitPastAsync(seen, timer.Token);
                await Task.Delay(_options.Debounce, _clock, sessionEnded);
            }
            catch (OperationCanceledException) when (!sessionEnded.IsCancellationRequested)
            {
                // The refresh is due.
            }
        }
    }
}
