using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Tunnels;

/// <summary>How requests are carried through agent tunnels. Section <c>Gateway:Tunnels</c>.</summary>
internal sealed class TunnelOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Tunnels";

    /// <summary>How long a request waits for a free tunnel of its agent before 503/504.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How much earlier than a client's own <c>?timeout=</c> the gateway gives up waiting for a tunnel, so its
    /// 503/504 arrives while the client still listens (at most half the client's timeout).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan ClientTimeoutMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a request waits for one of its agent's busy tunnels on this gateway to free up before it asks the
    /// agent's grain where else the agent is connected. Zero asks at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")] public TimeSpan LocalWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a gateway trusts what it learned about where an agent is connected (its leases on other gateways)
    /// before it asks the agent's grain again. A lease that moved meanwhile costs one refused hop and a retry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan LocationCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a gateway holds a request a peer forwarded for an agent with no tunnel open here (it may have just
    /// connected) before sending it back for the peer to route elsewhere. Capped by the request's own wait.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")] public TimeSpan ForwardedWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether this gateway accepts <c>tunnel.on_demand.v1</c>: agents that declare it may hold no idle stream while they
    /// are quiet, and the first request after a quiet spell asks for one over the agent's session, which costs it one
    /// round trip to the agent. False keeps one idle stream of every quiet agent parked here.
    /// </summary>
    public bool OnDemand { get; set; } = true;

    /// <summary>
    /// How long a request waits for the stream it asked a quiet agent for before it looks for the agent elsewhere.
    /// Capped by the request's own wait.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")] public TimeSpan DemandWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest body frame sent to an agent, in bytes.</summary>
    [Range(1024, 4 * 1024 * 1024)] public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>Largest request body accepted for a tunnelled request, in bytes.</summary>
    [Range(0, long.MaxValue)] public long MaxRequestBodyBytes { get; set; } = 1L << 30;
}
