namespace Plural.Gateway.ClusterViews;

/// <summary>
/// How long a gateway waits before repeating an event-log call that failed (an append or a reader's poll): short at
/// first, since the usual cause is a silo declared dead a moment ago and the log re-activating elsewhere.
/// </summary>
internal static class EventLogBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(2);

    /// <summary>The wait after the <paramref name="attempt"/>-th failure (from 1).</summary>
    public static TimeSpan Delay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(Longest.Ticks, First.Ticks << Math.Min(attempt - 1, 10)));
}
