namespace Plural.AgentK.Cache;

/// <summary>One page of a list: the projected objects, the list's resourceVersion and the continue token.</summary>
internal sealed record ListPage(IReadOnlyList<CachedObject> Items, string ResourceVersion, string? Continue);
