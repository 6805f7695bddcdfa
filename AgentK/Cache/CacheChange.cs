namespace Plural.AgentK.Cache;

/// <summary>One change the cache applied.</summary>
/// <param name="Type"><c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>.</param>
/// <param name="Object">The object after the change (its last known state for a deletion).</param>
/// <param name="ObservedAt">When the agent saw the change.</param>
internal sealed record CacheChange(string Type, CachedObject Object, DateTimeOffset ObservedAt)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}
