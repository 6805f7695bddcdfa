namespace Plural.Bench.Runner;

/// <summary>A table of a result file: a title, column names and rows of already formatted cells.</summary>
public sealed class ResultTable(string title, params string[] columns)
{
    /// <summary>Heading printed above the table.</summary>
    public string Title { get; } = title;

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>Rows, each with one cell per column.</summary>
    public List<IReadOnlyList<string>> Rows { get; } = [];

    /// <summary>Adds a row; the cell count must match the columns.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"table '{Title}' has {Columns.Count} columns, got a row of {cells.Length}");
        }

        Rows.Add(cells);
    }
}
