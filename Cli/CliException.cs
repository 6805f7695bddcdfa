namespace Plural.Cli;

/// <summary>A failure <c>plural</c> reports as one <c>error:</c> line and an exit code, without a stack trace.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>What the process exits with (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;
}
