using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;
using Plural.AgentK.Leadership;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Events;

/// <summary>
/// Sends pending cluster events up the session. The batching window adapts to the rate of change: an event that
/// follows a quiet period (no message for one batch interval) leaves at once, alone; during a burst, messages leave
/// at most once per batch interval and carry everything that piled up meanwhile. So no event waits longer than
/// one batch interval for company, and an idle cluster's first change pays nothing. A token bucket holds the agent
/// to its rate on top. Among several replicas only the leader sends: when a replica becomes leader it asks the
/// gateway where the event log left off and sends what it kept on standby beyond that.
/// </summary>
internal sealed class ClusterEventReporter(
    ClusterEventQueue queue,
    ClusterCache cache,
    IOptions<ClusterEventOptions> options,
    TimeProvider clock,
    LeaderTerms? terms = null,
    LeadershipAnnouncer? announcer = null,
    PublishedVersionsInbox? inbox = null,
    ILogger<ClusterEventReporter>? logger = null) : ISessionReporter
{
    /// <summary>Capability of agents that send <c>cluster_events</c>.</summary>
    public const string EventsCapability = "cluster.events.v1";

    // How long a new leader waits for the gateway to say where the log left off before it sends only what it sees itself.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly ClusterEventOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? NullLogger<ClusterEventReporter>.Instance;

    public string? Capability => cache.Enabled && _options.Enabled ? EventsCapability : null;

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        if (terms is not { Elects: true })
        {
            await SendAsync(session, sessionEnded);
            return;
        }

        while (true)
        {
            var term = await terms.WaitAsync(sessionEnded);
            using var acting = CancellationTokenSource.CreateLinkedTokenSource(term.Ended, sessionEnded);
            try
            {
                var before = await announcer!.AnnounceAsync(session, term, acting.Token);
                if (queue.Standby)
                {
                    var answer = before is { } seen ? await inbox!.WaitPastAsync(seen, AnswerTimeout, acting.Token) : null;
                    var (kept, published) = queue.Resume(PublishedChanges.Test(answer, term.StartedAt));
                    EventsLog.TookOver(_logger, term.Number, kept, published, answer is not null);
                }

                await SendAsync(session, acting.Token);
            }
            catch (OperationCanceledException) when (!sessionEnded.IsCancellationRequested)
            {
                // The term is over: what is still pending waits on standby for a later takeover.
                queue.Suspend();
            }
        }
    }

    private async Task SendAsync(SessionWriter session, CancellationToken sending)
    {
        var rate = _options.MaxEventsPerSecond;
        double tokens = rate;
        var refilledAt = clock.GetTimestamp();
        long? lastSentAt = null;
        while (true)
        {
            await queue.WaitAsync(sending);
            if (lastSentAt is { } sentAt && _options.BatchInterval - clock.GetElapsedTime(sentAt) is { Ticks: > 0 } windowLeft)
            {
                await Task.Delay(windowLeft, clock, sending);
            }

            tokens = Math.Min(rate, tokens + clock.GetElapsedTime(refilledAt).TotalSeconds * rate);
            refilledAt = clock.GetTimestamp();
            if (tokens < 1)
            {
                await Task.Delay(TimeSpan.FromSeconds((1 - tokens) / rate), clock, sending);
                continue;
            }

            var batch = queue.Take(Math.Min(_options.MaxBatchSize, (int)tokens));
            if (batch.Count == 0)
            {
                continue;
            }

            tokens -= batch.Count;
            lastSentAt = clock.GetTimestamp();
            await session.WriteAsync(new AgentMessage { ClusterEvents = new ClusterEventBatch { Events = { batch } } }, sending);
        }
    }
}
