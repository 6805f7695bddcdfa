using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Listeners;

/// <summary>
/// How facts a proxied request needs from grains (user tokens, access policies, where an agent is connected) are read
/// when they are not fresh in memory. Section <c>Gateway:GrainReads</c>.
/// </summary>
internal sealed class GrainReadOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:GrainReads";

    /// <summary>
    /// How long a request waits for one grain read before it answers from the last known fact, or tries once more
    /// when there is none. Far below Orleans' response timeout, so a read that reached a dead silo delays a request by
    /// this much at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")] public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Oldest fact served while its grain fails or hangs. Past it the request is refused with 503 rather than served
    /// from knowledge that old.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often the gateway reads the whole agent directory into its own copy, which <c>ServerApi</c> answers from
    /// (marked stale) while the agent's grain or the directory does not answer in time. Zero turns the periodic read
    /// off; listings and agents the gateway reads still fill the copy.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan ListingMirrorInterval { get; set; } = TimeSpan.FromSeconds(30);
}
