using Plural.Bench.Runner;

namespace Plural.Bench.Reporting;

/// <summary>Everything a result file holds about one scenario run.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Title">The scenario's title.</param>
/// <param name="StartedAt">When the run began (UTC).</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Command">The command that reproduces it.</param>
/// <param name="Machine">The machine it ran on.</param>
/// <param name="LoadAverageAtEnd">Load averages when it ended.</param>
/// <param name="OtherLoadShare">Share of the machine's CPU used by processes outside the bench during the run (0 to 1).</param>
/// <param name="Note">The operator's note (<c>--note</c>), if any.</param>
/// <param name="Runtime">The runtime settings of every .NET process the bench started (<c>--runtime</c>).</param>
/// <param name="Report">What the scenario measured.</param>
public sealed record RunRecord(
    string Scenario,
    string Title,
    DateTimeOffset StartedAt,
    double Seconds,
    string Command,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    double OtherLoadShare,
    string? Note,
    string Runtime,
    ScenarioReport Report);
