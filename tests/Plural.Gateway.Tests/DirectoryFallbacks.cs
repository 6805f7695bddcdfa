using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Fleet;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Tests;

/// <summary>The gateway's reads of agents and the directory with their fallbacks, over scripted grains.</summary>
internal static class DirectoryFallbacks
{
    /// <summary>The directory fallback over <paramref name="grains"/>, with the copy and the agent reads it shares.</summary>
    public static (AgentListingMirror Mirror, AgentLocations Locations, AgentDirectoryFallback Directory) Build(GrainStubs grains, GrainReadOptions reads)
    {
        var mirror = new AgentListingMirror(TimeProvider.System);
        var locations = new AgentLocations(grains.Factory, mirror, Options.Create(new TunnelOptions()), Options.Create(reads),
            TimeProvider.System, NullLogger<AgentLocations>.Instance);
        return (mirror, locations, new AgentDirectoryFallback(new AgentDirectory(grains.Factory, mirror), mirror, locations, Options.Create(reads)));
    }

    /// <summary>What a directory shard answers when it holds just <paramref name="only"/>.</summary>
    public static AgentListingBatch ShardHolding(AgentListing only, int shard, AgentListingQuery query) =>
        new(shard == AgentDirectoryKeys.ShardOf(AgentDirectoryKeys.BucketOf(only.Name))
            && (query.After is null || string.CompareOrdinal(only.Name, query.After) > 0)
            && LabelSelector.Parse(query.LabelSelector).Matches(only.Labels) ? [only] : [], More: false);
}
