namespace Plural.Gateway.Proxy;

/// <summary>
/// A proxied request's body, or its response's, passed through unchanged (nothing is buffered) while counting the
/// bytes that moved and when they last moved. One wraps each body; metrics, the audit trail and the idle deadline
/// all read these counters. After a switch of protocols the upgraded connection's bytes are added here too
/// (<see cref="CountingUpgradeFeature"/>), so an exec or port-forward session is measured like any other request.
/// </summary>
internal sealed class ObservedStream(Stream inner, TimeProvider clock) : CountingPassThroughStream(inner)
{
    private readonly long _created = clock.GetTimestamp();
    private long _bytes;
    private long _lastActivity;

    /// <summary>Bytes read from the stream (a request body) or written to it (a response body).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last read that returned bytes or the last write; the creation time before either.</summary>
    public long LastActivity => Math.Max(_created, Volatile.Read(ref _lastActivity));

    /// <summary>Counts <paramref name="count"/> bytes that moved on this body's behalf elsewhere (an upgraded connection).</summary>
    public void Moved(int count)
    {
        Interlocked.Add(ref _bytes, count);
        Volatile.Write(ref _lastActivity, clock.GetTimestamp());
    }

    protected override void BytesRead(int count) => Moved(count);

    // A write is activity even when empty (a flush of headers keeps an idle deadline at bay).
    protected override void BytesWritten(int count) => Moved(count);
}
