namespace Plural.AgentK.Tunnels;

/// <summary>Sizing of the pool of tunnel streams; defaults follow GitLab agentk. Section <c>Agent:Tunnels</c>.</summary>
internal sealed class TunnelPoolOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Tunnels";

    /// <summary>Idle streams kept open and waiting for a request.</summary>
    public int MinIdle { get; set; } = 2;

    /// <summary>
    /// Idle streams kept once no request has arrived for <see cref="MaxIdleTime"/>. Most agents are quiet most of the
    /// time, and each idle stream costs the gateway about 15 KiB (Kestrel, hosting and gRPC state of a parked call;
    /// the <c>reconnect-storm</c> bench); a quiet agent keeps none when its gateway asks for streams as requests come
    /// (<c>tunnel.on_demand.v1</c>), and at least one for a gateway that does not. The first request refills the pool
    /// to <see cref="MinIdle"/> and beyond.
    /// </summary>
    public int QuietMinIdle { get; set; }

    /// <summary>Upper bound of streams (idle and active) on one gateway connection.</summary>
    public int MaxTotal { get; set; } = 500;

    /// <summary>Streams opened at once when a stream turns active and fewer than <see cref="MinIdle"/> remain idle.</summary>
    public int ScaleUpStep { get; set; } = 10;

    /// <summary>
    /// An idle stream older than this is closed while more than <see cref="MinIdle"/> are idle, or more than
    /// <see cref="QuietMinIdle"/> once no request has arrived for this long.
    /// </summary>
    public TimeSpan MaxIdleTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Largest body frame the agent sends, and the largest response it sends inline in its head. A watch or log stream
    /// still goes out as soon as the upstream hands over any bytes; see docs/configuration.md for what was measured.
    /// </summary>
    public int ChunkBytes { get; set; } = 64 * 1024;
}
