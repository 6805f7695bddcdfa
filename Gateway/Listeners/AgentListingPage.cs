using Plural.Grains.Fleet;

namespace Plural.Gateway.Listeners;

/// <summary>A page of directory listings; <see cref="NextAfter"/> is the name to continue after, null on the last page.</summary>
internal sealed record AgentListingPage(IReadOnlyList<AgentListing> Agents, string? NextAfter);
