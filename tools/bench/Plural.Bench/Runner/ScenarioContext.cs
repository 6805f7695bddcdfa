using Plural.Bench.Processes;

namespace Plural.Bench.Runner;

/// <summary>What a running scenario gets from the runner: its options, the repository, child processes, a scratch folder, progress output.</summary>
public sealed class ScenarioContext(
    IScenario scenario,
    IReadOnlyDictionary<string, string> arguments,
    ChildProcesses children,
    string scratchDirectory,
    TextWriter progress,
    RuntimeSettings runtime,
    string? agentExecutable = null)
{
    /// <summary>The bench's own entry assembly, for starting helper processes (upstream, Git server) of the same build.</summary>
    public string BenchAssembly { get; } = typeof(ScenarioContext).Assembly.Location;

    /// <summary>The runtime settings every .NET process the scenario starts runs with.</summary>
    public RuntimeSettings Runtime { get; } = runtime;

    /// <summary>AgentK as a natively published program (<c>--agent</c>), or null for its build output on the runtime.</summary>
    public string? AgentExecutable { get; } = agentExecutable;

    /// <summary>Starts processes that are killed when the scenario ends or the run is interrupted.</summary>
    public ChildProcesses Children { get; } = children;

    /// <summary>A folder of this scenario's own, deleted afterwards (keys, configuration, scripts).</summary>
    public string ScratchDirectory { get; } = scratchDirectory;

    /// <summary>Prints one progress line, prefixed with the scenario name.</summary>
    public void Log(string line) => progress.WriteLine($"[{DateTime.Now:HH:mm:ss}] {scenario.Name}: {line}");

    /// <summary>The option's text as given, or its declared default.</summary>
    public string Text(string name)
    {
        var declared = scenario.Options.FirstOrDefault(o => o.Name == name)
            ?? throw new InvalidOperationException($"scenario {scenario.Name} reads option '{name}' without declaring it");
        return arguments.TryGetValue(name, out var given) ? given : declared.Default;
    }

    /// <summary>A size option in bytes.</summary>
    public long Size(string name) => Quantity.ParseSize(name, Text(name));

    /// <summary>A duration option.</summary>
    public TimeSpan Duration(string name) => Quantity.ParseDuration(name, Text(name));

    /// <summary>A count option.</summary>
    public int Count(string name) => Quantity.ParseCount(name, Text(name));

    /// <summary>A whole number that may be zero.</summary>
    public int CountOrZero(string name) => Text(name) == "0" ? 0 : Count(name);

    /// <summary>A comma-separated list of counts.</summary>
    public IReadOnlyList<int> Counts(string name) => Quantity.ParseCounts(name, Text(name));
}
