using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Cable;

/// <summary>The ActionCable endpoint <c>/cable</c>. Section <c>Gateway:Cable</c>.</summary>
internal sealed class CableOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Cable";

    /// <summary>
    /// Interval of ActionCable <c>ping</c> messages. The stock client reconnects when it hears nothing for 6 s, so
    /// keep it well below that.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:05")] public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Messages queued for one connection before it counts as a slow consumer and is disconnected.</summary>
    [Range(16, 1_000_000)] public int SendQueueLimit { get; set; } = 1000;

    /// <summary>
    /// Kernel send buffer of a cable connection's socket, in bytes. Fixed rather than auto-tuned so that a client
    /// that stops reading is noticed after this much plus <see cref="SendQueueLimit"/> messages, not megabytes later.
    /// </summary>
    [Range(4096, 16 * 1024 * 1024)] public int SocketSendBufferBytes { get; set; } = 64 * 1024;

    /// <summary>How long a slow consumer gets to read its <c>disconnect</c> message before its socket is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Recent messages each topic keeps on this gateway for subscribers resuming with <c>since</c>.</summary>
    [Range(0, 1_000_000)] public int ReplayBufferSize { get; set; } = 1000;

    /// <summary>
    /// How long a topic keeps its stream subscription and replay buffer after its last local subscriber left, so
    /// that a subscriber reconnecting after a network drop can resume.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan TopicLinger { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Subscriptions one connection may hold.</summary>
    [Range(1, 10_000)] public int MaxSubscriptionsPerConnection { get; set; } = 200;

    /// <summary>Largest message a client may send, in bytes.</summary>
    [Range(1024, 1024 * 1024)] public int MaxIncomingMessageBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Commands one connection may send per second on average. Past <see cref="MessageBurst"/> the connection is
    /// closed with <c>disconnect</c> reason <c>rate_limited</c> and <c>reconnect: true</c>.
    /// </summary>
    [Range(1, 100_000)] public int MessagesPerSecond { get; set; } = 50;

    /// <summary>
    /// Commands one connection may send at once before <see cref="MessagesPerSecond"/> applies. Above
    /// <see cref="MaxSubscriptionsPerConnection"/> by default, so that a client resubscribing everything after a
    /// reconnect is never cut off.
    /// </summary>
    [Range(1, 1_000_000)] public int MessageBurst { get; set; } = 500;

    /// <summary>How often a connection's credential is checked again; a revoked or expired one ends the connection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan ReauthenticateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most agents listed in the first message of an all-agents status subscription.</summary>
    [Range(1, 100_000)] public int SnapshotMaxAgents { get; set; } = 1000;

    /// <summary>Cookie that may carry the credential (browsers cannot set headers on a WebSocket).</summary>
    [Required] public string CookieName { get; set; } = "plural_token";

    /// <summary>
    /// Origins (scheme://host[:port]) besides the gateway's own whose pages may connect with the cookie. A
    /// credential in the query string or an <c>Authorization</c> header is accepted from any origin.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
