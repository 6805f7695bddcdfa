namespace Plural.Protocol.Hosting;

/// <summary>What a <see cref="ReloadingFile{T}"/> tells its owner about reloads, for the owner's own log lines.</summary>
public sealed class ReloadingFileEvents<T>
    where T : class
{
    /// <summary>The files changed and their new value replaced the previous one (previous, new).</summary>
    public Action<T, T>? Replaced { get; init; }

    /// <summary>The files changed but did not parse; the previous value stays (the files, the problem).</summary>
    public Action<string, Exception>? Rejected { get; init; }

    /// <summary>A file is missing or could not be read; the previous value stays (the file, the problem).</summary>
    public Action<string, Exception>? Unreadable { get; init; }

    /// <summary>One callback for every problem, a file that does not parse as much as one that cannot be read.</summary>
    public static ReloadingFileEvents<T> Problems(Action<string, Exception>? problem) => new() { Rejected = problem, Unreadable = problem };
}
