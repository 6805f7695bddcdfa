using System.Globalization;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// The deadline a Kubernetes client gives a request in its <c>?timeout=</c> query parameter: a Go duration such as
/// <c>32s</c> or <c>1m30s</c>, which kubectl sends on discovery and on every request under <c>--request-timeout</c>.
/// The gateway uses it to answer before the client gives up; the API server reads the same parameter itself.
/// </summary>
internal static class ClientTimeout
{
    // Longer units that start with the letter of a shorter one come first ("ms" before "m" and "s").
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The request's <c>timeout</c> parameter, or null when it is absent, malformed or not positive.</summary>
    public static TimeSpan? Of(HttpRequest request) =>
        TryParseGoDuration(request.Query["timeout"].FirstOrDefault(), out var timeout) && timeout > TimeSpan.Zero ? timeout : null;

    /// <summary>
    /// How long to wait for a tunnel: <paramref name="configured"/>, or less when the client's timeout would end first,
    /// so the answer arrives <paramref name="margin"/> before the client stops listening (at most half its timeout early).
    /// </summary>
    public static TimeSpan Wait(TimeSpan configured, TimeSpan? client, TimeSpan margin)
    {
        if (client is not { } timeout)
        {
            return configured;
        }

        var answerBy = timeout - margin > timeout / 2 ? timeout - margin : timeout / 2;
        return answerBy < configured ? answerBy : configured;
    }

    /// <summary>Parses a Go <c>time.Duration</c> string: signed decimal numbers, each with a unit (ns, us, ms, s, m, h).</summary>
    public static bool TryParseGoDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        var negative = span[0] == '-';
        if (span[0] is '-' or '+')
        {
            span = span[1..];
        }

        if (span is "0")
        {
            return true;
        }

        double ticks = 0;
        while (span.Length > 0)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var unit = 0;
            while (unit < Units.Length && !span.StartsWith(Units[unit].Unit, StringComparison.Ordinal))
            {
                unit++;
            }

            if (unit == Units.Length)
            {
                return false;
            }

            ticks += number * Units[unit].Ticks;
            span = span[Units[unit].Unit.Length..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }
}
