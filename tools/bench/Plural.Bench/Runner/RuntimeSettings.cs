namespace Plural.Bench.Runner;

/// <summary>
/// Environment variables every .NET process the bench starts (silo, gateway, agent, upstream; the dotnet-h2 relays take the
/// gateway's and the agent's) runs with, so that every
/// route is measured under the same runtime settings, and so that one setting can be tried A/B on one process.
/// Written as <c>NAME=VALUE</c> for every process, or <c>process:NAME=VALUE</c> for one (<c>gateway:DOTNET_gcServer=1</c>),
/// comma-separated; a per-process entry overrides the same name given for all.
/// </summary>
public sealed class RuntimeSettings
{
    /// <summary>
    /// The default: tiered compilation with dynamic PGO (the .NET 10 default, stated so that it is the same everywhere),
    /// and workstation concurrent GC in every process, since five processes share the cores with the load client and
    /// server GC would give each a heap and a GC thread per core.
    /// </summary>
    public const string Defaults = "DOTNET_TieredCompilation=1,DOTNET_TieredPGO=1,DOTNET_gcServer=0,DOTNET_gcConcurrent=1";

    /// <summary>The processes a setting can be aimed at.</summary>
    public static readonly IReadOnlyList<string> Processes = ["silo", "gateway", "agent", "upstream"];

    private readonly List<(string? Process, string Name, string Value)> _entries;

    private RuntimeSettings(List<(string? Process, string Name, string Value)> entries) => _entries = entries;

    /// <summary>Parses the <c>--runtime</c> option; throws <see cref="BenchUsageException"/> on a malformed entry.</summary>
    public static RuntimeSettings Parse(string text)
    {
        List<(string?, string, string)> entries = [];
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=');
            var colon = entry.IndexOf(':');
            var process = colon > 0 && (eq < 0 || colon < eq) ? entry[..colon] : null;
            var name = eq < 0 ? "" : entry[(process is null ? 0 : colon + 1)..eq];
            if (eq < 0 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new BenchUsageException($"--runtime: '{entry}' is not NAME=VALUE or process:NAME=VALUE");
            }

            if (process is not null && !Processes.Contains(process))
            {
                throw new BenchUsageException($"--runtime: '{entry}' names process '{process}'; choose from {string.Join(", ", Processes)}");
            }

            entries.Add((process, name, entry[(eq + 1)..]));
        }

        return new RuntimeSettings(entries);
    }

    /// <summary>The variables for one process: the entries for all, then that process's own.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string process)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, name, value) in _entries.Where(e => e.Process is null))
        {
            environment[name] = value;
        }

        foreach (var (_, name, value) in _entries.Where(e => e.Process == process))
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>One line for the result header: the settings for every process, and any process's own.</summary>
    public string Describe()
    {
        var common = string.Join(" ", EnvironmentFor("").Select(p => $"{p.Key}={p.Value}"));
        var own = _entries.Where(e => e.Process is not null).Select(e => $"{e.Process}: {e.Name}={e.Value}").ToList();
        return (common.Length == 0 ? "runtime defaults" : common) + (own.Count == 0 ? "" : "; only " + string.Join(", ", own));
    }
}
