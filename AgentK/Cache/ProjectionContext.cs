namespace Plural.AgentK.Cache;

/// <summary>What a projection keeps beyond the kind's fields.</summary>
/// <param name="StoreLabels">Keep labels (label selectors need them).</param>
/// <param name="EventMessageLength">Longest event message kept.</param>
internal sealed record ProjectionContext(bool StoreLabels, int EventMessageLength);
