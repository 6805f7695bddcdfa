namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Ctrl-C on a terminal session: each press cancels whatever the foreground command is waiting on
/// (its SIGINT), and later commands get a fresh token.
/// </summary>
internal sealed class InterruptSignal
{
    private CancellationTokenSource _current = new();

    /// <summary>Cancelled by the next interrupt.</summary>
    public CancellationToken Token => Volatile.Read(ref _current).Token;

    public void Raise()
    {
        var previous = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        previous.Cancel();
    }
}
