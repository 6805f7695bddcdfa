namespace Plural.Gateway.Cable;

/// <summary>One read of a channel's log (<see cref="ICableLogChannel"/>).</summary>
/// <param name="Messages">Rendered messages after <paramref name="CompleteAfter"/>, oldest first, numbered by the log.</param>
/// <param name="Complete">False when the log cannot vouch that nothing is missing right after the position asked for.</param>
/// <param name="CompleteAfter">The position after which the log holds everything (the one asked for when complete).</param>
internal sealed record CableLogRead(IReadOnlyList<CableMessage> Messages, bool Complete, long CompleteAfter)
{
    /// <summary>Why what followed <paramref name="after"/> cannot be delivered, for a <c>reset</c> message.</summary>
    public string GapReason(long after) => after > CompleteAfter && Messages.Count == 0
        ? $"the platform's event log has no position {after} (its newest is {CompleteAfter}; it starts anew when the silo holding it stops)"
        : $"the platform's event log no longer holds what followed {after}, only what followed {CompleteAfter} "
            + "(it keeps a bounded number of recent entries in memory, and starts anew when the silo holding it stops)";
}
