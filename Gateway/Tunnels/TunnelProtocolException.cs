namespace Plural.Gateway.Tunnels;

/// <summary>The agent sent a frame the tunnel protocol does not allow at that point.</summary>
internal sealed class TunnelProtocolException(string message) : Exception(message);
