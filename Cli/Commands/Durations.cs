using System.Globalization;

namespace Plural.Cli.Commands;

/// <summary>Durations as operators type them: a positive whole number and a unit (s, m, h, d).</summary>
internal static class Durations
{
    /// <summary>The duration, or null when the text is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 3650 * 86400L)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' when n <= 3650 * 1440L => TimeSpan.FromMinutes(n),
            'h' when n <= 3650 * 24L => TimeSpan.FromHours(n),
            'd' when n <= 3650 => TimeSpan.FromDays(n),
            _ => null,
        };
    }
}
