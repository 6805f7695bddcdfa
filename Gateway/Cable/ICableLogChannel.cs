namespace Plural.Gateway.Cable;

/// <summary>
/// A channel whose messages the platform numbers in a per-key log (<see cref="CableTopic.NumberedByLog"/>) instead of
/// each gateway numbering its own: every gateway delivers the same sequence numbers, so a subscriber resumes with
/// <c>since</c> on any gateway, replayed from the log when the gateway's buffer does not reach back far enough.
/// </summary>
internal interface ICableLogChannel : ICableChannel
{
    /// <summary>The position of the newest entry of <paramref name="key"/>'s log; the topic's numbering starts there.</summary>
    Task<long> LastPositionAsync(string key, CancellationToken ct);

    /// <summary>
    /// Up to <paramref name="max"/> messages after <paramref name="after"/>, rendered for the topic; waits up to
    /// <paramref name="wait"/> when there are none yet. Says whether the log vouches that none are missing.
    /// </summary>
    Task<CableLogRead> ReadAsync(string key, long after, int max, TimeSpan wait, CancellationToken ct);

    /// <summary>The snapshot a subscriber gets at <paramref name="sequence"/> after a reset, whoever it is.</summary>
    byte[] Snapshot(string key, long sequence);
}
