using System.CommandLine;

namespace Plural.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary><c>-o table|json</c>.</summary>
    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "table (default) or json",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    /// <summary>A lifetime such as <c>30m</c>, <c>24h</c> or <c>7d</c>; absent for the platform's default.</summary>
    public static Option<TimeSpan?> Lifetime(string name, string description) => new(name)
    {
        Description = description + " (30m, 24h, 7d)",
        CustomParser = result => Durations.Parse(result.Tokens.Single().Value) is { } span ? span : Fail(result, name),
    };

    private static TimeSpan? Fail(System.CommandLine.Parsing.ArgumentResult result, string name)
    {
        result.AddError($"{name}: '{result.Tokens.Single().Value}' is not a duration such as 30m, 24h or 7d");
        return null;
    }
}
