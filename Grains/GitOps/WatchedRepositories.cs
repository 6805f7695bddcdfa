using Plural.Grains.Git;

namespace Plural.Grains.GitOps;

/// <summary>The repository refs an agent's configuration depends on: its source and each sync target's project.</summary>
internal static class WatchedRepositories
{
    /// <summary>The <see cref="RepositoryKey"/> of the configuration source, if one is set.</summary>
    public static string? SourceKey(AgentConfigState state) =>
        state.Source is { } s ? RepositoryKey.Format(s.Repository, s.Ref) : null;

    /// <summary>The key of the target's project repository.</summary>
    public static string TargetKey(SyncTargetState target) =>
        RepositoryKey.Format(target.Project.Repository, target.Project.Ref);

    /// <summary>Every key the configuration watches now.</summary>
    public static HashSet<string> Of(AgentConfigState state)
    {
        var keys = state.Targets.Values.Select(TargetKey).ToHashSet();
        if (SourceKey(state) is { } source)
        {
            keys.Add(source);
        }

        return keys;
    }

    /// <summary>Stops watching the keys of <paramref name="before"/> that the configuration no longer uses.</summary>
    public static async Task UnwatchUnusedAsync(AgentConfigState state, HashSet<string> before, Func<string, IRepositoryPollerGrain> poller, string agentName)
    {
        var now = Of(state);
        foreach (var key in before.Where(k => !now.Contains(k)))
        {
            await poller(key).Unwatch(agentName);
        }
    }
}
