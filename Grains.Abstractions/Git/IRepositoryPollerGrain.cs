using Orleans.Concurrency;

namespace Plural.Grains.Git;

/// <summary>
/// Polls one repository ref, keyed by <see cref="RepositoryKey.Format"/>. It checks the remote ref cheaply every
/// <c>Git:PollInterval</c> (with jitter, backing off on failure), fetches into a local cache only when the commit
/// changed, and then tells its watchers and the <see cref="Streams.StreamNames.RepositoryCommits"/> stream.
/// It keeps polling while it has watchers, across idle collection and silo restarts.
/// </summary>
[Alias("plural.git.IRepositoryPollerGrain")]
public interface IRepositoryPollerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds an agent whose configuration depends on this repository; it hears of every new commit through
    /// <see cref="GitOps.IAgentConfigGrain.OnRepositoryCommit"/>. Polls at once when nothing was polled yet.
    /// </summary>
    [Alias("Watch")]
    Task<RepositoryPollStatus> Watch(string agentName);

    /// <summary>Removes a watcher; a poller without watchers stops and deactivates.</summary>
    [Alias("Unwatch")]
    Task Unwatch(string agentName);

    /// <summary>Checks the remote now (a push notification), resetting any backoff.</summary>
    [Alias("Poke")]
    Task<RepositoryPollStatus> Poke();

    /// <summary>The poller's current knowledge; answered while a poll is under way.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<RepositoryPollStatus> GetStatus();

    /// <summary>
    /// Text files at <paramref name="commit"/> whose paths match any of <paramref name="patterns"/> (globs with
    /// <c>*</c>, <c>**</c> and <c>?</c>; a pattern without wildcards is an exact path), within <paramref name="limits"/>.
    /// Throws <see cref="RepositoryUnavailableException"/> when the commit cannot be had.
    /// </summary>
    [Alias("ReadFiles")]
    Task<RepositoryFileSet> ReadFiles(string commit, IReadOnlyList<string> patterns, RepositoryReadLimits limits);
}
