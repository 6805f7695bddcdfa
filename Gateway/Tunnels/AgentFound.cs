using Plural.Grains.Agents;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// A registered agent as <see cref="AgentDirectoryFallback.GetAsync"/> found it: its grain's snapshot, or, while the
/// grain did not answer and nothing was read of it here, the listing in this gateway's copy of the directory.
/// </summary>
internal sealed record AgentFound(AgentSnapshot? Snapshot, AgentListing? Listing)
{
    /// <summary>Whether the agent is connected to any gateway, as whichever of the two was found says.</summary>
    public bool Connected => Snapshot?.Status.Connected ?? Listing!.Connected;

    /// <summary>Since when the agent has been connected, or disconnected; null if it never connected.</summary>
    public DateTimeOffset? Since => Snapshot is { } snapshot ? snapshot.Status.Since : Listing!.Since;
}
