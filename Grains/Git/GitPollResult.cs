namespace Plural.Grains.Git;

/// <summary>How one poll of a repository ref ended, as the <c>result</c> tag of <c>plural_git_polls_total</c>.</summary>
public enum GitPollResult
{
    /// <summary>The remote still has the commit seen before; nothing was fetched.</summary>
    Unchanged,

    /// <summary>The remote has a new commit (or the first one), and it was fetched.</summary>
    Changed,

    /// <summary>The ref check or the fetch failed; the poller backs off.</summary>
    Failed,
}
