using System.Globalization;

namespace Plural.Bench.Reporting;

/// <summary>Number formats shared by the result tables.</summary>
public static class Format
{
    /// <summary>Microseconds as a short figure: <c>412 µs</c>, <c>3.1 ms</c>.</summary>
    public static string Micros(double micros) => micros >= 1000
        ? (micros / 1000).ToString(micros >= 100_000 ? "0" : "0.0#", CultureInfo.InvariantCulture) + " ms"
        : micros.ToString("0", CultureInfo.InvariantCulture) + " µs";

    /// <summary>A ratio such as <c>3.4×</c>.</summary>
    public static string Ratio(double ratio) =>
        double.IsFinite(ratio) ? ratio.ToString(ratio >= 10 ? "0" : "0.0#", CultureInfo.InvariantCulture) + "×" : "n/a";

    /// <summary>A number with thousands separators.</summary>
    public static string Count(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A number with one decimal.</summary>
    public static string One(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Bytes in MiB with one decimal.</summary>
    public static string MiB(double bytes) => (bytes / (1 << 20)).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Bytes in KiB, whole.</summary>
    public static string KiB(double bytes) => (bytes / 1024).ToString("#,0", CultureInfo.InvariantCulture);
}
