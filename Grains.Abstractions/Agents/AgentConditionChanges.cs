namespace Plural.Grains.Agents;

/// <summary>
/// Whether an agent process's health changed in a way worth telling subscribers: a condition appeared or went away,
/// turned ok or not, or a failing one now says something else. An ok condition's message is a reading (object and
/// tunnel counts) that changes on most heartbeats, so on its own it is no change.
/// </summary>
public static class AgentConditionChanges
{
    /// <summary>True when <paramref name="after"/> differs from <paramref name="before"/> as described above.</summary>
    public static bool Differ(IReadOnlyList<AgentHealthCondition>? before, IReadOnlyList<AgentHealthCondition>? after)
    {
        before ??= [];
        after ??= [];
        if (before.Count != after.Count)
        {
            return true;
        }

        var known = new Dictionary<string, AgentHealthCondition>(before.Count, StringComparer.Ordinal);
        foreach (var condition in before)
        {
            known[condition.Type] = condition;
        }

        foreach (var condition in after)
        {
            if (!known.TryGetValue(condition.Type, out var was) || was.Ok != condition.Ok
                || (!condition.Ok && !string.Equals(was.Message, condition.Message, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
