namespace Plural.AgentK.Upstream;

/// <summary>
/// Which headers must not cross the tunnel: hop-by-hop headers (RFC 9110 section 7.6.1), headers
/// the agent sets itself, and the caller's credentials, which the agent replaces with its own.
/// </summary>
internal static class HopByHopHeaders
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    // Host and Content-Length follow from the upstream URL and the tunnel's content_length;
    // Expect: 100-continue would stall on a body that the tunnel streams anyway.
    private static readonly HashSet<string> SetByAgent = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Expect",
    };

    private static readonly HashSet<string> Credentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Cookie",
    };

    /// <summary>True when a caller's request header is forwarded to the upstream.</summary>
    public static bool ForwardRequestHeader(string name, bool upgrade, IReadOnlySet<string> connectionTokens) =>
        !IsHopByHop(name, upgrade, connectionTokens) && !SetByAgent.Contains(name) && !Credentials.Contains(name)
        // The agent's own marker for repeated header lines is never taken from a caller.
        && !name.StartsWith(RepeatedHeaderStream.MarkerPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when an upstream response header or trailer is sent back through the tunnel.</summary>
    public static bool ForwardResponseHeader(string name, bool upgrade, IReadOnlySet<string> connectionTokens) =>
        !IsHopByHop(name, upgrade, connectionTokens);

    /// <summary>No header listed in <c>Connection</c>: what nearly every request and response has, shared rather than built per message.</summary>
    public static readonly IReadOnlySet<string> NoTokens = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Header names listed in <c>Connection</c> (added to <paramref name="known"/>), which are hop-by-hop as well.</summary>
    public static IReadOnlySet<string> ConnectionTokens(IEnumerable<string> connectionValues, IReadOnlySet<string>? known = null)
    {
        var tokens = new HashSet<string>(known ?? NoTokens, StringComparer.OrdinalIgnoreCase);
        foreach (var value in connectionValues)
        {
            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private static bool IsHopByHop(string name, bool upgrade, IReadOnlySet<string> connectionTokens)
    {
        if (name.Length == 0 || name[0] == ':')
        {
            return true; // HTTP/2 pseudo-headers are not headers.
        }

        if (upgrade && (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
        {
            return false; // An upgrade needs both to reach the upstream.
        }

        return HopByHop.Contains(name)
            || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
            || connectionTokens.Contains(name);
    }
}
