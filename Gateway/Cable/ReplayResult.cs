namespace Plural.Gateway.Cable;

/// <summary>What attaching a subscriber to a topic did.</summary>
/// <param name="Resumed">True when the subscriber's <c>since</c> was honoured and missed messages were replayed.</param>
/// <param name="Replayed">How many messages were replayed.</param>
/// <param name="Reason">When not resumed from the log: why, for the <c>reset</c> message.</param>
internal readonly record struct ReplayResult(bool Resumed, int Replayed, string? Reason = null);
