namespace Plural.Grains.Fleet;

/// <summary>
/// The directory of earlier versions: one grain (key <see cref="Key"/>) holding every agent name in one persisted
/// set. Kept only so that an upgraded cluster carries those names into the directory buckets
/// (<see cref="AgentDirectoryKeys"/>); nothing writes to it any more.
/// </summary>
[Alias("plural.fleet.IAgentDirectoryGrain")]
public interface IAgentDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory grain.</summary>
    public const string Key = "fleet";

    /// <summary>
    /// Has every agent it still names write its listing into the directory buckets, then forgets the names. Returns
    /// how many agents were carried over; 0 once done, so every silo may call it at start.
    /// </summary>
    [Alias("CarryIntoDirectory")]
    Task<int> CarryIntoDirectory();
}
