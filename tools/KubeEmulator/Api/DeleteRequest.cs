namespace Plural.KubeEmulator.Api;

/// <summary>The parts of <c>DeleteOptions</c> the emulator honours.</summary>
internal sealed record DeleteRequest(string? Propagation = null, string? Uid = null, string? ResourceVersion = null)
{
    public static readonly DeleteRequest Background = new("Background");
}

/// <summary>Finalizers the garbage collector interprets.</summary>
internal static class Finalizers
{
    public const string Foreground = "foregroundDeletion";
    public const string Orphan = "orphan";
}
