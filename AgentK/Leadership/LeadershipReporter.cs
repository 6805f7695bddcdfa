using Plural.AgentK.Session;

namespace Plural.AgentK.Leadership;

/// <summary>
/// Keeps the gateway told, on every session, whether this replica leads, so the platform can name the leader even
/// when the replica has no events or views to send.
/// </summary>
internal sealed class LeadershipReporter(LeaderTerms terms, LeadershipAnnouncer announcer) : ISessionReporter
{
    public string? Capability => terms.Elects ? LeadershipAnnouncer.Capability : null;

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        while (true)
        {
            var term = await terms.WaitAsync(sessionEnded);
            await announcer.AnnounceAsync(session, term, sessionEnded);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(term.Ended, sessionEnded);
            try
            {
                await Task.Delay(Timeout.Infinite, leading.Token);
            }
            catch (OperationCanceledException) when (!sessionEnded.IsCancellationRequested)
            {
                await announcer.StepDownAsync(session, sessionEnded);
            }
        }
    }
}
