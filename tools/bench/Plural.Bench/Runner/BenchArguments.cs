namespace Plural.Bench.Runner;

/// <summary>
/// The parsed command line: scenario names (or <c>all</c>), runner options (<c>--results</c>,
/// <c>--note</c>) and scenario options (<c>--duration 10s</c> or <c>--duration=10s</c>).
/// </summary>
public sealed class BenchArguments
{
    private static readonly string[] RunnerOptions = ["results", "note", "runtime", "agent"];

    /// <summary>The scenarios to run, in order.</summary>
    public required IReadOnlyList<IScenario> Scenarios { get; init; }

    /// <summary>Scenario options by name.</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }

    /// <summary>Where result files go.</summary>
    public required string ResultsDirectory { get; init; }

    /// <summary>A line for the top of every result file (e.g. that the box was shared).</summary>
    public string? Note { get; init; }

    /// <summary>The runtime settings every .NET process the bench starts runs with (<c>--runtime</c>).</summary>
    public RuntimeSettings Runtime { get; init; } = RuntimeSettings.Parse(RuntimeSettings.Defaults);

    /// <summary>AgentK as a natively published program (<c>--agent</c>), as its image ships it; null: the build output on the runtime.</summary>
    public string? AgentExecutable { get; init; }

    /// <summary>True when only help was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/> against <paramref name="catalog"/>; throws <see cref="BenchUsageException"/> on bad input.</summary>
    public static BenchArguments Parse(IReadOnlyList<string> args, IReadOnlyList<IScenario> catalog, string defaultResults)
    {
        var names = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "help")
            {
                help = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=');
                string name, value;
                if (eq > 0)
                {
                    (name, value) = (arg[2..eq], arg[(eq + 1)..]);
                }
                else if (i + 1 < args.Count)
                {
                    (name, value) = (arg[2..], args[++i]);
                }
                else
                {
                    throw new BenchUsageException($"option {arg} needs a value");
                }

                if (!options.TryAdd(name, value))
                {
                    throw new BenchUsageException($"option --{name} given twice");
                }
            }
            else
            {
                names.Add(arg);
            }
        }

        var scenarios = names.Count == 0 || names.Contains("all")
            ? catalog.Where(s => s.InDefaultSet).ToList()
            : names.Select(name => catalog.FirstOrDefault(s => s.Name == name)
                ?? throw new BenchUsageException($"unknown scenario '{name}'; known: {string.Join(", ", catalog.Select(s => s.Name))}, all")).Distinct().ToList();
        foreach (var name in options.Keys)
        {
            if (!RunnerOptions.Contains(name) && !scenarios.Any(s => s.Options.Any(o => o.Name == name)))
            {
                throw new BenchUsageException($"option --{name} is not read by {(scenarios.Count == 1 ? "scenario " + scenarios[0].Name : "any selected scenario")}; see --help");
            }
        }

        var agent = options.GetValueOrDefault("agent");
        if (agent is not null && !File.Exists(agent))
        {
            throw new BenchUsageException($"--agent {agent}: no such file; publish it with: dotnet publish AgentK -c Release -r linux-x64 -o DIR");
        }

        return new BenchArguments
        {
            Scenarios = scenarios,
            Options = options,
            ResultsDirectory = options.GetValueOrDefault("results") ?? defaultResults,
            Note = options.GetValueOrDefault("note"),
            // Given settings add to the defaults (and win over them), so that an A/B run names only what it changes.
            Runtime = RuntimeSettings.Parse(RuntimeSettings.Defaults + "," + options.GetValueOrDefault("runtime")),
            AgentExecutable = agent is null ? null : Path.GetFullPath(agent),
            Help = help,
        };
    }

    /// <summary>The help text, listing every scenario and its options.</summary>
    public static string Usage(IReadOnlyList<IScenario> catalog)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("usage: dotnet run --project tools/bench/Plural.Bench -c Release -- [all | SCENARIO...] [--OPTION VALUE...]");
        text.AppendLine();
        text.AppendLine("  --results DIR   where result files go (default: bench/results)");
        text.AppendLine("  --note TEXT     a line printed at the top of each result file");
        text.AppendLine("  --runtime LIST  environment of the .NET processes started, added to the defaults: NAME=VALUE (all) or");
        text.AppendLine($"                  process:NAME=VALUE, process one of {string.Join(", ", RuntimeSettings.Processes)}, comma-separated");
        text.AppendLine($"                  (defaults, in every process: {RuntimeSettings.Defaults})");
        text.AppendLine("  --agent FILE    AgentK as a natively published program, as its image ships it (dotnet publish AgentK -c Release");
        text.AppendLine("                  -r linux-x64 -o DIR; FILE is DIR/Plural.AgentK); default: its build output on the runtime");
        foreach (var scenario in catalog)
        {
            text.AppendLine();
            text.AppendLine($"{scenario.Name}{(scenario.InDefaultSet ? "" : " (not in 'all')")}: {scenario.Title}");
            foreach (var option in scenario.Options)
            {
                text.AppendLine($"  --{option.Name,-14} {option.Description} (default {option.Default})");
            }
        }

        return text.ToString();
    }
}
