namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>Output through a terminal: every line feed leaves as CR LF (the tty's ONLCR).</summary>
internal sealed class TerminalOutputStream(Stream inner) : AsyncOnlyStream
{
    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var span = buffer.Span;
        var lineFeeds = span.Count((byte)'\n');
        if (lineFeeds == 0) return inner.WriteAsync(buffer, cancellationToken);
        var translated = new byte[span.Length + lineFeeds];
        var at = 0;
        foreach (var b in span)
        {
            if (b == '\n') translated[at++] = (byte)'\r';
            translated[at++] = b;
        }
        return inner.WriteAsync(translated, cancellationToken);
    }
}
