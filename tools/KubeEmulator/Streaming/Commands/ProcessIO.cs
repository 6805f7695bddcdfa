using System.Text;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// The standard streams of one process in the emulated container. Streams the client did not attach
/// are <see cref="Stream.Null"/>: reading gives end of file, writing goes nowhere, as with /dev/null.
/// </summary>
internal sealed record ProcessIO(Stream Stdin, Stream Stdout, Stream Stderr, bool Tty, InterruptSignal Interrupts)
{
    public Stream Descriptor(int fd) => fd switch
    {
        0 => Stdin,
        1 => Stdout,
        2 => Stderr,
        _ => Stream.Null,
    };

    public ProcessIO WithDescriptor(int fd, Stream stream) => fd switch
    {
        0 => this with { Stdin = stream },
        1 => this with { Stdout = stream },
        2 => this with { Stderr = stream },
        _ => this,
    };

    public Task OutAsync(string text, CancellationToken cancellationToken) => WriteAsync(Stdout, text, cancellationToken);

    public Task ErrAsync(string text, CancellationToken cancellationToken) => WriteAsync(Stderr, text, cancellationToken);

    private static Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken) =>
        text.Length == 0 ? Task.CompletedTask : stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).AsTask();
}
