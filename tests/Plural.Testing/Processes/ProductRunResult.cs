namespace Plural.Testing.Processes;

/// <summary>How a product program that ran to its end ended: its exit code and what it wrote to each stream.</summary>
public sealed record ProductRunResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The lines of standard error, without blank ones.</summary>
    public IReadOnlyList<string> ErrorLines =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The <c>error:</c> lines of standard error.</summary>
    public IReadOnlyList<string> Errors => ErrorLines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();

    /// <summary>Whether either stream holds a stack frame: what an unhandled exception prints.</summary>
    public bool PrintedStackTrace =>
        $"{StandardOutput}\n{StandardError}".Split('\n').Any(l => l.StartsWith("   at ", StringComparison.Ordinal));

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
