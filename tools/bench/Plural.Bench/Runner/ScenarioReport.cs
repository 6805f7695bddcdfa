namespace Plural.Bench.Runner;

/// <summary>What a scenario found: tables for the result file, headline ratios, notes, and raw data for JSON.</summary>
public sealed class ScenarioReport
{
    /// <summary>A few sentences on what was measured and how.</summary>
    public required string Method { get; init; }

    /// <summary>Result tables, in the order they are printed.</summary>
    public List<ResultTable> Tables { get; } = [];

    /// <summary>Headline ratios against the baselines, e.g. <c>tunnel p50 / direct p50 at 16</c>.</summary>
    public Dictionary<string, double> Ratios { get; } = [];

    /// <summary>Headline figures that are not ratios, e.g. memory per agent, already formatted.</summary>
    public Dictionary<string, string> Headlines { get; } = [];

    /// <summary>Markdown paragraphs: where the time goes, what would fix it, caveats.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Raw measurements, serialised as they are into the JSON result.</summary>
    public object? Data { get; set; }
}
