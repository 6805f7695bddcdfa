namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>A script the emulated shell cannot parse; reported like dash does (<c>sh: 1: Syntax error: …</c>, status 2).</summary>
internal sealed class ShellSyntaxException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
