namespace Plural.Grains.Fleet;

/// <summary>
/// The list of registered agent names, for listing and paging. A single activation
/// (key <see cref="Key"/>) is enough: it holds names only, and changes only on registration.
/// </summary>
[Alias("plural.fleet.IAgentDirectoryGrain")]
public interface IAgentDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the directory grain.</summary>
    public const string Key = "fleet";

    /// <summary>Adds a name; adding a present name is a no-op.</summary>
    [Alias("Add")]
    Task Add(string agentName);

    /// <summary>Removes a name.</summary>
    [Alias("Remove")]
    Task Remove(string agentName);

    /// <summary>Up to <paramref name="limit"/> names in ordinal order, strictly after <paramref name="after"/>.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string? after, int limit);
}
