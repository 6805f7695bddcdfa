namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>One program started in the container: its arguments, streams, environment and working directory.</summary>
internal sealed record ProcessStart(IReadOnlyList<string> Argv, ProcessIO IO, IReadOnlyList<KeyValuePair<string, string>> Environment, string WorkingDirectory)
{
    public string Name => Argv.Count > 0 ? Argv[0] : "";

    public IReadOnlyList<string> Arguments => Argv.Count > 1 ? Argv.Skip(1).ToList() : [];

    /// <summary>The foreground token: cancelled when the session ends or the terminal sends Ctrl-C.</summary>
    public CancellationTokenSource Foreground(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, IO.Interrupts.Token);
}
