using Plural.Grains.Agents;

namespace Plural.Grains.Fleet;

/// <summary>
/// How long a listing that says "connected" is believed. An agent grain rewrites its listing at every change of its
/// connections and at least every <see cref="AgentGrain.LastSeenWriteInterval"/> while connected; a listing older
/// than two of those (and a minute) belonged to a grain that died with its silo while its gateway was gone too, and
/// nobody is left to say the agent disconnected.
/// </summary>
internal static class AgentListingFreshness
{
    public static readonly TimeSpan StaleAfter = AgentGrain.LastSeenWriteInterval * 2 + TimeSpan.FromMinutes(1);

    /// <summary>The listing as it stands at <paramref name="now"/>.</summary>
    public static AgentListing At(AgentListing listing, DateTimeOffset now) =>
        listing.Connected && listing.LastSeen is { } seen && now - seen > StaleAfter
            ? listing with { Connected = false, Since = seen, Connections = [] }
            : listing;
}
