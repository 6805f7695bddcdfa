namespace Plural.Grains.Agents;

/// <inheritdoc cref="IIdempotentRequestGrain"/>
public sealed class IdempotentRequestGrain(TimeProvider clock) : Grain, IIdempotentRequestGrain
{
    // A gateway that claimed a request and then died never completes it; after this long a retry may run it again.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private string? _fingerprint;
    private byte[]? _answer;
    private DateTimeOffset _claimedAt;
    private DateTimeOffset _expiresAt;

    public Task<IdempotentRequestClaim> Claim(string fingerprint, TimeSpan window)
    {
        var now = clock.GetUtcNow();
        if (_fingerprint is not null && now >= _expiresAt)
        {
            (_fingerprint, _answer) = (null, null);
        }

        if (_fingerprint is not null && _fingerprint != fingerprint)
        {
            return Task.FromResult(new IdempotentRequestClaim(IdempotentRequestState.Mismatch));
        }

        if (_answer is not null)
        {
            return Task.FromResult(new IdempotentRequestClaim(IdempotentRequestState.Completed, _answer));
        }

        if (_fingerprint is not null && now - _claimedAt < AbandonedAfter)
        {
            return Task.FromResult(new IdempotentRequestClaim(IdempotentRequestState.InProgress));
        }

        (_fingerprint, _claimedAt, _expiresAt) = (fingerprint, now, now + window);
        // The answer must outlive idle collection for the whole window.
        DelayDeactivation(window + AbandonedAfter);
        return Task.FromResult(new IdempotentRequestClaim(IdempotentRequestState.Claimed));
    }

    public Task Complete(byte[] answer)
    {
        if (_fingerprint is not null)
        {
            _answer = answer;
        }

        return Task.CompletedTask;
    }

    public Task Release()
    {
        if (_answer is null)
        {
            _fingerprint = null;
        }

        return Task.CompletedTask;
    }
}
