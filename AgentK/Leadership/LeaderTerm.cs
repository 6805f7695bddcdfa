namespace Plural.AgentK.Leadership;

/// <summary>
/// One uninterrupted period in which this replica leads. Work that only the leader may do runs under
/// <see cref="Ended"/>, which is cancelled the moment the replica stops leading (it lost the Lease, could not renew it
/// within the renew deadline, or the agent stops).
/// </summary>
internal sealed class LeaderTerm(long number, DateTimeOffset startedAt, CancellationToken ended)
{
    /// <summary>Counts this replica's terms from 1; a single replica without election has one endless term.</summary>
    public long Number { get; } = number;

    /// <summary>When this replica started leading.</summary>
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Cancelled when the term is over.</summary>
    public CancellationToken Ended { get; } = ended;
}
