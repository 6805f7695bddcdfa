using System.Globalization;

namespace Plural.Bench.Runner;

/// <summary>Parses and prints the sizes, durations and counts used on the command line.</summary>
public static class Quantity
{
    private static readonly (string Suffix, long Factor)[] SizeSuffixes =
    [
        ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1),
    ];

    /// <summary>Bytes from <c>1GiB</c>, <c>64MiB</c>, <c>500MB</c> or a plain number of bytes.</summary>
    public static long ParseSize(string option, string text)
    {
        foreach (var (suffix, factor) in SizeSuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > 0)
            {
                return (long)(value * factor);
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes
            : throw new BenchUsageException($"--{option}: '{text}' is not a size (examples: 1GiB, 64MiB, 1048576)");
    }

    /// <summary>A duration from <c>500ms</c>, <c>10s</c>, <c>2m</c>.</summary>
    public static TimeSpan ParseDuration(string option, string text)
    {
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > 0 && value < 86_400 / seconds)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        throw new BenchUsageException($"--{option}: '{text}' is not a duration (examples: 500ms, 10s, 2m)");
    }

    /// <summary>A positive whole number, <c>10000</c> or <c>10k</c>.</summary>
    public static int ParseCount(string option, string text)
    {
        var factor = text.EndsWith('k') ? 1000 : 1;
        var digits = factor == 1 ? text : text[..^1];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= int.MaxValue / factor
            ? value * factor
            : throw new BenchUsageException($"--{option}: '{text}' is not a positive count");
    }

    /// <summary>A comma-separated list of counts: <c>1,16,64</c>.</summary>
    public static IReadOnlyList<int> ParseCounts(string option, string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => ParseCount(option, part)).ToArray() is { Length: > 0 } list
            ? list
            : throw new BenchUsageException($"--{option}: give at least one count");

    /// <summary>Bytes as a short human figure (<c>1.0 GiB</c>).</summary>
    public static string FormatSize(double bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (1L << 30)).ToString("0.0#", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };
}
