namespace Plural.Bench.Runner;

/// <summary>A command-line option of a scenario: <c>--name value</c>, with its default as it would be typed.</summary>
/// <param name="Name">Option name without the leading dashes.</param>
/// <param name="Kind">How the value is parsed, so a bad value is refused before anything starts.</param>
/// <param name="Default">Default value, in the same syntax as on the command line.</param>
/// <param name="Description">What the option changes.</param>
public sealed record ScenarioOption(string Name, OptionKind Kind, string Default, string Description);
