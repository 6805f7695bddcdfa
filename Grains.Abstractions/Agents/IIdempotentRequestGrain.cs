namespace Plural.Grains.Agents;

/// <summary>
/// Remembers the answer to one create call of the main application, keyed by <c>{method}/{request id}</c>, so a
/// retried call gets the first answer instead of creating a second object. The answer may hold a secret shown once,
/// so it lives in the activation's memory only, for the window the caller gives, and is never written to storage.
/// </summary>
[Alias("plural.agents.IIdempotentRequestGrain")]
public interface IIdempotentRequestGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the request for the caller, or says why not: it completed (with the answer), it is still running
    /// elsewhere, or the id was used for a different request (another <paramref name="fingerprint"/>).
    /// </summary>
    [Alias("Claim")]
    Task<IdempotentRequestClaim> Claim(string fingerprint, TimeSpan window);

    /// <summary>Records the answer of a claimed request; retries within the window get it.</summary>
    [Alias("Complete")]
    Task Complete(byte[] answer);

    /// <summary>Gives up a claim after a failure, so a retry runs the request again.</summary>
    [Alias("Release")]
    Task Release();
}
