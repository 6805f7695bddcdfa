using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Listeners;

/// <summary>Limits Kestrel applies on every listener. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
internal sealed class ListenerLimitOptions
{
    /// <summary>Configuration section name, shared by the limits of every room.</summary>
    public const string Section = "Gateway:Limits";

    /// <summary>Total size of one request's headers on the HTTP listener (431 beyond).</summary>
    [Range(1024, 1024 * 1024)] public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Longest a client may take to send a request's headers before Kestrel closes the connection (slow-loris).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Slowest request body Kestrel accepts, in bytes per second averaged after a 5 s grace period (408 or a closed
    /// connection below it). Upgraded connections (exec, port-forward) are not subject to it.
    /// </summary>
    [Range(1, 1_000_000)] public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>
    /// HTTP/2 receive window of one connection, in bytes: how much of all its streams' bodies a peer may send ahead of
    /// what the gateway has read. Larger than Kestrel's 1 MiB so that several agent streams can move bodies at once.
    /// </summary>
    [Range(65_535, int.MaxValue)] public int Http2ConnectionWindowBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// HTTP/2 receive window of one stream, in bytes: how much of one body a peer may send ahead of what the gateway
    /// has read. Larger than Kestrel's 768 KiB so that one tunnel stream moves a bulk body at loopback speed.
    /// </summary>
    [Range(65_535, int.MaxValue)] public int Http2StreamWindowBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest HTTP/2 frame the gateway accepts, in bytes (16 KiB, the protocol's minimum and Kestrel's default, up to
    /// 16 MiB - 1): a peer splits bodies into frames of at most this size.
    /// </summary>
    [Range(16_384, 16_777_215)] public int Http2MaxFrameBytes { get; set; } = 16_384;

    /// <summary>The default of <see cref="ReceiveBlockBytes"/>.</summary>
    public const int DefaultReceiveBlockBytes = 64 * 1024;

    /// <summary>
    /// Size of the blocks Kestrel reads sockets into and builds its pipes from, in bytes. 4096 keeps Kestrel's own pool;
    /// a larger size uses <see cref="Plural.Protocol.Hosting.LargeBlockMemoryPool"/>, so that one socket read takes up
    /// to a block. 64 KiB cut the gateway's CPU per GiB streamed to 0.59-0.70x (Kestrel's 4 KiB blocks make a read of
    /// 2 KiB on average) and left its memory per connected agent as it was (docs/design.md).
    /// </summary>
    [Range(4096, 1024 * 1024)] public int ReceiveBlockBytes { get; set; } = DefaultReceiveBlockBytes;
}
