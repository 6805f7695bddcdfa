namespace Plural.AgentK.Session;

/// <summary>A version number that waiters can await the next increment of; how a session reporter waits for something to send.</summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version
    {
        get { lock (_gate) return _version; }
    }

    public void Signal()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            _version++;
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>Completes once <see cref="Version"/> is past <paramref name="seen"/>.</summary>
    public Task WaitPastAsync(long seen, CancellationToken ct)
    {
        lock (_gate)
        {
            return _version > seen ? Task.CompletedTask : _next.Task.WaitAsync(ct);
        }
    }
}
