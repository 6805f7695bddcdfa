using Plural.KubeEmulator.Streaming.Commands;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// The process side of a session's streams. With a TTY, output goes through the terminal (LF becomes
/// CR LF, stderr shares stdout) and input through its line discipline, which runs until disposed.
/// </summary>
internal sealed class ProcessTerminal : IAsyncDisposable
{
    private readonly CancellationTokenSource? _discipline;
    private readonly Task _running;

    private ProcessTerminal(ProcessIO io, CancellationTokenSource? discipline, Task running)
    {
        IO = io;
        _discipline = discipline;
        _running = running;
    }

    public ProcessIO IO { get; }

    public static ProcessTerminal Open(IRemoteCommandChannel channel, bool tty, CancellationToken cancellationToken)
    {
        var interrupts = new InterruptSignal();
        var stdin = channel.Stdin ?? Stream.Null;
        var stdout = channel.Stdout ?? Stream.Null;
        var stderr = channel.Stderr ?? Stream.Null;
        if (!tty) return new ProcessTerminal(new ProcessIO(stdin, stdout, stderr, false, interrupts), null, Task.CompletedTask);

        var terminal = new TerminalOutputStream(stdout);
        if (channel.Stdin is null) return new ProcessTerminal(new ProcessIO(stdin, terminal, terminal, true, interrupts), null, Task.CompletedTask);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var discipline = new TerminalLineDiscipline(channel.Stdin, stdout, interrupts);
        return new ProcessTerminal(new ProcessIO(discipline.Input, terminal, terminal, true, interrupts), stop, RunQuietlyAsync(discipline, stop.Token));
    }

    private static async Task RunQuietlyAsync(TerminalLineDiscipline discipline, CancellationToken cancellationToken)
    {
        try
        {
            await discipline.RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The session is over; so is its terminal.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_discipline is null) return;
        await _discipline.CancelAsync();
        await _running;
        _discipline.Dispose();
    }
}
