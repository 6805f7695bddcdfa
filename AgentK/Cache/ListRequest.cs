namespace Plural.AgentK.Cache;

/// <summary>The arguments of one list or watch call.</summary>
internal sealed record ListRequest(
    string? ResourceVersion = null,
    string? Continue = null,
    int? Limit = null,
    int? TimeoutSeconds = null);
