using System.Globalization;

namespace Plural.Bench.H2Relay;

/// <summary>
/// What the gateway side tells the agent side about a parked caller, one line each on the notice stream:
/// <c>{id} {method} {content length or -} {path and query}</c>. A path and query on an HTTP/1.1 request line holds no
/// space, so it goes last and needs no escaping.
/// </summary>
/// <param name="Id">The random id the call is parked under.</param>
/// <param name="Method">The caller's method.</param>
/// <param name="ContentLength">The caller's request body length; null when it sent none.</param>
/// <param name="PathAndQuery">The caller's path and query, passed to the upstream as it came.</param>
public sealed record CallNotice(string Id, string Method, long? ContentLength, string PathAndQuery)
{
    /// <summary>The notice as one line, without its line end.</summary>
    public string Format() =>
        $"{Id} {Method} {(ContentLength is { } length ? length.ToString(CultureInfo.InvariantCulture) : "-")} {PathAndQuery}";

    /// <summary>Reads a line written by <see cref="Format"/>.</summary>
    public static CallNotice Parse(string line)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length != 4)
        {
            throw new FormatException($"not a call notice: '{line}'");
        }

        return new CallNotice(parts[0], parts[1], parts[2] == "-" ? null : long.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]);
    }
}
