namespace Plural.KubeEmulator.Streaming;

/// <summary>
/// Fixed bounds of exec, attach and port-forward sessions. Clients stay far below them (kubectl writes
/// 32 KiB frames and a few short headers); anything bigger ends the stream or session with a clear error.
/// </summary>
internal static class StreamingLimits
{
    /// <summary>Largest SPDY data frame or WebSocket message accepted.</summary>
    public const int MaxFrameBytes = 1024 * 1024;

    /// <summary>Largest SPDY control frame accepted (SYN_STREAM with its compressed headers, SETTINGS, …).</summary>
    public const int MaxControlFrameBytes = 64 * 1024;

    /// <summary>Largest header block after decompression.</summary>
    public const int MaxHeaderBlockBytes = 64 * 1024;

    /// <summary>Streams one SPDY connection may have open at once (port-forward uses two per forwarded connection).</summary>
    public const int MaxStreamsPerConnection = 1000;

    /// <summary>Bytes received on one stream and not yet consumed before the connection's reader waits.</summary>
    public const int InboundBufferBytes = 1024 * 1024;

    /// <summary>Size of the data frames and messages the emulator writes.</summary>
    public const int WriteChunkBytes = 32 * 1024;

    /// <summary>How long a finished session waits for the client to hang up before closing the connection itself.</summary>
    public static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(10);
}
