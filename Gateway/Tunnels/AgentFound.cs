using Plural.Grains.Agents;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// A registered agent as <see cref="AgentDirectoryFallback.GetAsync"/> found it: its grain's snapshot, or, while the
/// grain did not answer and nothing was read of it here, the listing in this gateway's copy of the directory.
/// </summary>
internal sealed record AgentFound(AgentSnapshot? Snapshot, AgentListing? Listing);
