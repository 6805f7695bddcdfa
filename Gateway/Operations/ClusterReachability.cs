namespace Plural.Gateway.Operations;

/// <summary>When this gateway last heard the Orleans cluster answer its readiness ping.</summary>
internal sealed class ClusterReachability(TimeProvider clock)
{
    private long _lastAnswered = -1;

    /// <summary>Notes an answer now.</summary>
    public void Answered() => Interlocked.Exchange(ref _lastAnswered, clock.GetTimestamp());

    /// <summary>How long ago the cluster last answered; null when it never did.</summary>
    public TimeSpan? SinceLastAnswer =>
        Interlocked.Read(ref _lastAnswered) is var last && last >= 0 ? clock.GetElapsedTime(last) : null;
}
