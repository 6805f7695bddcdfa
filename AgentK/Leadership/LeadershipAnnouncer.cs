using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Leadership;

/// <summary>
/// Tells the gateway, once per session and term, that this replica leads. The gateway takes cluster reports from an
/// electing replica only after that word on the same session, so every reporter announces before its first report;
/// the first one writes and the others wait for that write.
/// </summary>
internal sealed class LeadershipAnnouncer(PublishedVersionsInbox inbox, IOptions<LeaderElectionOptions> options)
{
    /// <summary>Capability of agents whose replicas elect a leader and say so on their sessions.</summary>
    public const string Capability = "leader.election.v1";

    private readonly ConditionalWeakTable<SessionWriter, Announcement> _announced = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// Announces <paramref name="term"/> on <paramref name="session"/> unless done already; returns how many answers the
    /// inbox had before the announcement, or null when the gateway takes no announcements (an older gateway).
    /// </summary>
    public async Task<long?> AnnounceAsync(SessionWriter session, LeaderTerm term, CancellationToken ct)
    {
        if (!session.Accepted.Contains(Capability))
        {
            return null;
        }

        Announcement announcement;
        lock (_gate)
        {
            if (!_announced.TryGetValue(session, out var known) || known.Term != term.Number)
            {
                var before = inbox.Version;
                known = new Announcement(term.Number, before, WriteAsync(session, leader: true));
                _announced.AddOrUpdate(session, known);
            }

            announcement = known;
        }

        await announcement.Written.WaitAsync(ct);
        return announcement.InboxBefore;
    }

    /// <summary>Tells the gateway this replica no longer leads; a failed write ends the session, which says as much.</summary>
    public Task StepDownAsync(SessionWriter session, CancellationToken ct)
    {
        lock (_gate)
        {
            _announced.Remove(session);
        }

        return session.Accepted.Contains(Capability) ? WriteAsync(session, leader: false, ct) : Task.CompletedTask;
    }

    // Not cancelled by any one waiter: another reporter may be waiting for the same write.
    private Task WriteAsync(SessionWriter session, bool leader, CancellationToken ct = default) =>
        session.WriteAsync(new AgentMessage { Leadership = new Protocol.Agent.Leadership { Leader = leader, Identity = options.Value.Identity ?? "" } }, ct);

    private sealed record Announcement(long Term, long InboxBefore, Task Written);
}
