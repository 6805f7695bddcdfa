namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>A parameter expansion the emulated shell cannot perform (<c>sh: 1: Bad substitution</c>, status 2).</summary>
internal sealed class ShellExpansionException(string message) : Exception(message);
