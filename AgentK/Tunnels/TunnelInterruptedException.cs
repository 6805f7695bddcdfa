namespace Plural.AgentK.Tunnels;

/// <summary>Fails the upstream request body when the tunnel stops feeding it.</summary>
internal sealed class TunnelInterruptedException(TunnelInterruption interruption, string message) : IOException(message)
{
    public TunnelInterruption Interruption { get; } = interruption;
}
