using Google.Protobuf.WellKnownTypes;

namespace Plural.Cli.Output;

/// <summary>How values read in a table cell.</summary>
public static class Cells
{
    /// <summary>A time as UTC to the second, or "-" when unset.</summary>
    public static string Time(Timestamp? time) => time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Labels as <c>k=v,k=v</c> in key order, or "-" when there are none.</summary>
    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) is { Length: > 0 } text ? text : "-";

    /// <summary>Text, or "-" when empty.</summary>
    public static string Text(string? text) => string.IsNullOrEmpty(text) ? "-" : text;
}
