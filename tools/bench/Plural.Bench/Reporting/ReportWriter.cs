using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plural.Bench.Reporting;

/// <summary>Writes <c>&lt;date&gt;-&lt;scenario&gt;.md</c> (tables, machine, command) and the same as <c>.json</c>.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes both files into <paramref name="directory"/> and returns the markdown path.</summary>
    public static async Task<string> WriteAsync(string directory, RunRecord run, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{run.StartedAt:yyyy-MM-dd}-{run.Scenario}");
        await File.WriteAllTextAsync(stem + ".md", Markdown(run), ct);
        var json = new
        {
            run.Scenario,
            run.Title,
            run.StartedAt,
            run.Seconds,
            run.Command,
            run.Machine,
            run.LoadAverageAtEnd,
            run.OtherLoadShare,
            run.Note,
            run.Runtime,
            run.Report.Method,
            run.Report.Headlines,
            run.Report.Ratios,
            Tables = run.Report.Tables.Select(t => new { t.Title, t.Columns, t.Rows }),
            run.Report.Notes,
            run.Report.Data,
        };
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(json, Json) + "\n", ct);
        return stem + ".md";
    }

    private static string LoadClientRuntime() =>
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {System.Runtime.GCSettings.LatencyMode}";

    private static string Markdown(RunRecord run)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# {run.Title}").AppendLine();
        md.AppendLine(inv, $"Scenario `{run.Scenario}`, run {run.StartedAt:yyyy-MM-dd HH:mm} UTC on commit `{run.Machine.Commit}`, took {run.Seconds:0} s.").AppendLine();
        md.AppendLine("```sh").AppendLine(run.Command).AppendLine("```").AppendLine();
        md.AppendLine(inv, $"Runtime settings of every .NET process started (silo, gateway, agent, upstream): `{run.Runtime}`; the load client: {LoadClientRuntime()}.").AppendLine();
        if (run.Note is { Length: > 0 })
        {
            md.AppendLine(inv, $"> {run.Note}").AppendLine();
        }

        md.AppendLine("## Method").AppendLine().AppendLine(run.Report.Method).AppendLine();
        foreach (var table in run.Report.Tables)
        {
            md.AppendLine(inv, $"## {table.Title}").AppendLine();
            md.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
            md.AppendLine("|" + string.Concat(table.Columns.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in table.Rows)
            {
                md.AppendLine("| " + string.Join(" | ", row) + " |");
            }

            md.AppendLine();
        }

        if (run.Report.Headlines.Count > 0)
        {
            md.AppendLine("## Headline figures").AppendLine();
            foreach (var (name, value) in run.Report.Headlines)
            {
                md.AppendLine(inv, $"- {name}: **{value}**");
            }

            md.AppendLine();
        }

        if (run.Report.Ratios.Count > 0)
        {
            md.AppendLine("## Ratios").AppendLine();
            foreach (var (name, value) in run.Report.Ratios)
            {
                md.AppendLine(inv, $"- {name}: **{Format.Ratio(value)}**");
            }

            md.AppendLine();
        }

        if (run.Report.Notes.Count > 0)
        {
            md.AppendLine("## Notes").AppendLine();
            foreach (var note in run.Report.Notes)
            {
                md.AppendLine(note).AppendLine();
            }
        }

        var m = run.Machine;
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(inv, $"| CPU | {m.Cpu}, {m.Cores} cores |");
        md.AppendLine(inv, $"| memory | {m.Memory} |");
        md.AppendLine(inv, $"| system | {m.OperatingSystem}, Linux {m.Kernel} |");
        md.AppendLine(inv, $"| runtime | {m.Runtime} |");
        foreach (var (tool, version) in m.Tools)
        {
            md.AppendLine(inv, $"| {tool} | {version} |");
        }

        md.AppendLine(inv, $"| load average (1/5/15 min) | {m.LoadAverageAtStart} at start, {run.LoadAverageAtEnd} at end |");
        md.AppendLine(inv, $"| CPU used by other processes during the run | {run.OtherLoadShare:P0} of the machine{(run.OtherLoadShare > 0.1 ? " (shared box: absolute figures are pessimistic, ratios hold better)" : "")} |");
        return md.ToString();
    }
}
