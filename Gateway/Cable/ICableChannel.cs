using Plural.Gateway.Access;

namespace Plural.Gateway.Cable;

/// <summary>A channel clients subscribe to by name: which stream it reads and how its messages look.</summary>
internal interface ICableChannel
{
    /// <summary>The <c>channel</c> value of identifiers, e.g. <c>AgentStatusChannel</c>.</summary>
    string Name { get; }

    /// <summary>False when the channel may be subscribed without <c>agent</c> (every agent the caller may see).</summary>
    bool RequiresAgent { get; }

    /// <summary>The stream key for a subscription to <paramref name="agent"/> (null: every agent).</summary>
    string KeyFor(string? agent);

    /// <summary>Subscribes the topic to its Orleans stream; disposing the result unsubscribes.</summary>
    Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct);

    /// <summary>
    /// The first message of a subscription that does not resume: the current state as of <paramref name="sequence"/>,
    /// or a refusal (e.g. unknown agent).
    /// </summary>
    Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct);
}
