namespace Plural.Bench.H2Relay;

/// <summary>
/// The HTTP/2 and socket settings of the dotnet-h2 relays, copied from the product's defaults so that the route differs
/// from the tunnel in framing only: the gateway's Kestrel limits (<c>Gateway:Limits:*</c>, <c>ListenerLimitOptions</c>) and
/// the agent's <c>SocketsHttpHandler</c> (<c>Agent:Http2StreamWindowBytes</c>, <c>GatewayChannelFactory</c>).
/// </summary>
public static class RelayHttp2Settings
{
    /// <summary>Kestrel's receive window for all streams of one connection on the gateway side (the gateway's 8 MiB).</summary>
    public const int GatewayConnectionWindowBytes = 8 * 1024 * 1024;

    /// <summary>Kestrel's receive window for one stream on the gateway side (the gateway's 1 MiB).</summary>
    public const int GatewayStreamWindowBytes = 1024 * 1024;

    /// <summary>Largest frame the gateway side accepts (the gateway's 16 KiB, the protocol's minimum).</summary>
    public const int GatewayMaxFrameBytes = 16_384;

    /// <summary>Blocks Kestrel reads sockets into on the gateway side (the gateway's <c>Gateway:Limits:ReceiveBlockBytes</c>, 64 KiB).</summary>
    public const int GatewayReceiveBlockBytes = 64 * 1024;

    /// <summary>Free blocks the gateway side's pool keeps for reuse (the gateway's 256).</summary>
    public const int GatewayRetainedBlocks = 256;

    /// <summary>The agent side's initial receive window for one stream (the agent's 1 MiB).</summary>
    public const int AgentStreamWindowBytes = 1024 * 1024;

    /// <summary>
    /// Buffer the agent side moves bodies with: the size of the tunnel's body chunks, so that both routes read and write
    /// in the same steps and only the framing between them differs.
    /// </summary>
    public const int ChunkBytes = 64 * 1024;
}
