namespace Plural.AgentK.Cache.Dynamic;

/// <summary>A resource the API server lists in discovery (in its group's preferred version) that can be listed and watched.</summary>
internal sealed record DiscoveredResource(string Group, string Version, string Plural, string Kind, bool Namespaced, IReadOnlyList<string> ShortNames)
{
    /// <summary><c>group/version</c>, or the version alone for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>plural.group</c>, or the plural alone for the core group.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
