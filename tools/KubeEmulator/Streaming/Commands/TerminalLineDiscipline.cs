using System.IO.Pipelines;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// The canonical-mode line discipline of the container's terminal. kubectl puts the local terminal in
/// raw mode, so editing, echo and signals happen here, as in a real pty: typed characters are echoed,
/// Enter (CR) ends a line, Backspace and Ctrl-U edit it, Ctrl-C raises an interrupt, Ctrl-D on an empty
/// line is end of file. Processes read whole lines.
/// </summary>
internal sealed class TerminalLineDiscipline
{
    /// <summary>A line longer than this keeps only its beginning, like the kernel's 4 KiB tty buffer.</summary>
    private const int MaxLineBytes = 4096;

    private readonly Stream _terminal;
    private readonly Stream _echo;
    private readonly InterruptSignal _interrupts;
    private readonly Pipe _lines = new(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));

    public TerminalLineDiscipline(Stream terminal, Stream echo, InterruptSignal interrupts)
    {
        _terminal = terminal;
        _echo = echo;
        _interrupts = interrupts;
        Input = _lines.Reader.AsStream();
    }

    /// <summary>What processes read: complete lines, then end of file.</summary>
    public Stream Input { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var buffer = new byte[4096];
        var eof = false;
        try
        {
            int read;
            while ((read = await _terminal.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var echo = new List<byte>();
                for (var k = 0; k < read; k++)
                {
                    var b = buffer[k];
                    switch (b)
                    {
                        case 0x03:
                            echo.AddRange("^C\r\n"u8.ToArray());
                            line.Clear();
                            await FlushEchoAsync(echo, cancellationToken);
                            _interrupts.Raise();
                            break;
                        case 0x04 when line.Count == 0:
                            eof = true;
                            break;
                        case 0x04:
                            await FlushEchoAsync(echo, cancellationToken);
                            await DeliverAsync(line, cancellationToken);
                            break;
                        case (byte)'\r' or (byte)'\n':
                            echo.AddRange("\r\n"u8.ToArray());
                            line.Add((byte)'\n');
                            // A real tty echoes as it reads: the echo must be out before the process can answer the line.
                            await FlushEchoAsync(echo, cancellationToken);
                            await DeliverAsync(line, cancellationToken);
                            break;
                        case 0x7f or 0x08:
                            if (RemoveLastCharacter(line)) echo.AddRange("\b \b"u8.ToArray());
                            break;
                        case 0x15:
                            while (RemoveLastCharacter(line)) echo.AddRange("\b \b"u8.ToArray());
                            break;
                        default:
                            if (line.Count < MaxLineBytes)
                            {
                                line.Add(b);
                                echo.Add(b);
                            }
                            break;
                    }
                    if (eof) break;
                }
                await FlushEchoAsync(echo, cancellationToken);
                if (eof) break;
            }
        }
        finally
        {
            await _lines.Writer.CompleteAsync();
        }
        // After end of file nobody reads lines, but Ctrl-C must still reach the foreground process.
        if (eof) await WatchInterruptsAsync(buffer, cancellationToken);
    }

    private async Task WatchInterruptsAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int read;
        while ((read = await _terminal.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (buffer.AsSpan(0, read).Contains((byte)0x03)) _interrupts.Raise();
        }
    }

    private async Task FlushEchoAsync(List<byte> echo, CancellationToken cancellationToken)
    {
        if (echo.Count == 0) return;
        await _echo.WriteAsync(echo.ToArray(), cancellationToken);
        echo.Clear();
    }

    private async Task DeliverAsync(List<byte> line, CancellationToken cancellationToken)
    {
        await _lines.Writer.WriteAsync(line.ToArray(), cancellationToken);
        line.Clear();
    }

    /// <summary>Removes one UTF-8 character (all its continuation bytes) from the end of the line.</summary>
    private static bool RemoveLastCharacter(List<byte> line)
    {
        if (line.Count == 0) return false;
        var at = line.Count - 1;
        while (at > 0 && (line[at] & 0xC0) == 0x80) at--;
        line.RemoveRange(at, line.Count - at);
        return true;
    }
}
