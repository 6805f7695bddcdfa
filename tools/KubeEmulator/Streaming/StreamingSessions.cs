namespace Plural.KubeEmulator.Streaming;

/// <summary>Counts the exec, attach and port-forward sessions in progress (upgraded connections not yet released).</summary>
internal sealed class StreamingSessions
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public IDisposable Begin()
    {
        Interlocked.Increment(ref _open);
        return new Lease(this);
    }

    private sealed class Lease(StreamingSessions sessions) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref sessions._open);
        }
    }
}
