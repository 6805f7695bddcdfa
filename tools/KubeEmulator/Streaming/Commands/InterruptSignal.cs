namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Ctrl-C on a terminal session (SIGINT to the foreground process group). An interrupt stays pending
/// until the interactive shell takes it back at its next prompt, so one that arrives between reading a
/// line and starting its command still stops that command, as the signal would.
/// </summary>
internal sealed class InterruptSignal
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _current = new();

    /// <summary>Cancelled once an interrupt is pending.</summary>
    public CancellationToken Token
    {
        get
        {
            lock (_gate) return _current.Token;
        }
    }

    public void Raise()
    {
        CancellationTokenSource current;
        lock (_gate) current = _current;
        current.Cancel();
    }

    /// <summary>Clears a pending interrupt; an interactive shell does so before each prompt.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            // The old source is not disposed: commands may still hold its token.
            if (_current.IsCancellationRequested) _current = new CancellationTokenSource();
        }
    }
}
