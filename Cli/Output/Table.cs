namespace Plural.Cli.Output;

/// <summary>Rows printed as columns aligned with spaces, headers in capitals, as kubectl prints them.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells print empty.</summary>
    public Table Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    /// <summary>Writes the header and the rows.</summary>
    public async Task WriteAsync(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        await output.WriteLineAsync(Line(headers, widths));
        foreach (var row in _rows)
        {
            await output.WriteLineAsync(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("   ", widths.Select((w, i) => (i < cells.Length ? cells[i] : "").PadRight(i == widths.Length - 1 ? 0 : w))).TrimEnd();
}
