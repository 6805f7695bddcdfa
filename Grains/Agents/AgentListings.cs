using Plural.Grains.Fleet;

namespace Plural.Grains.Agents;

/// <summary>What the agent grain compares to write its directory listing only when it changed.</summary>
internal static class AgentListings
{
    /// <summary>
    /// What of a listing changes with the agent's connections, to write the listing only when it did (a renewal
    /// changes the last-seen time, which alone is not worth a write; a change of health is).
    /// </summary>
    public static string Shape(AgentListing listing) =>
        listing.Connected + "|" + string.Join(";", listing.Connections
            .Select(c => $"{c.GatewayId},{c.InstanceId},{c.AgentVersion},{c.ConnectedAt.UtcTicks},{c.Leader}," +
                string.Join("/", (c.Conditions ?? []).Select(h => $"{h.Type}={h.Ok}:{h.Message}")))
            .Order(StringComparer.Ordinal));
}
