namespace Plural.Bench.Runner;

/// <summary>
/// One benchmark scenario. Implementations are found by reflection, so a scenario plugs in by
/// existing: a folder with a class implementing this interface and a public parameterless constructor.
/// </summary>
public interface IScenario
{
    /// <summary>Name used on the command line and in result file names, e.g. <c>small-get</c>.</summary>
    string Name { get; }

    /// <summary>One line for the help text and the top of the result file.</summary>
    string Title { get; }

    /// <summary>Whether <c>all</c> runs it. Scenarios that need more than the machine can give stay opt-in.</summary>
    bool InDefaultSet => true;

    /// <summary>The options this scenario reads, with defaults; anything else on the command line is refused.</summary>
    IReadOnlyList<ScenarioOption> Options { get; }

    /// <summary>Runs the scenario against the baselines it starts through <paramref name="context"/>.</summary>
    Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct);
}
