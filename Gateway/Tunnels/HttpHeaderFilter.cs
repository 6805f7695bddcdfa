using Google.Protobuf.Collections;
using Microsoft.Extensions.Primitives;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Which headers cross the tunnel. Hop-by-hop headers describe one connection and must not be
/// forwarded (RFC 9110 section 7.6.1); the caller's credentials are for the gateway, never for the cluster.
/// </summary>
internal static class HttpHeaderFilter
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private static readonly HashSet<string> Credentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Cookie",
    };

    private static readonly IReadOnlySet<string> NothingListed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// True for a request header that may cross to another hop: not hop-by-hop, not a credential, not one of the
    /// platform's own control headers.
    /// </summary>
    public static bool IsForwardable(string name) =>
        !HopByHop.Contains(name) && !Credentials.Contains(name) && !name.StartsWith(':') && !IsPlatformHeader(name);

    /// <summary>True for the headers an upgrade needs to reach the far side (the handshake is end to end).</summary>
    public static bool IsUpgradeHeader(string name) =>
        name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <c>Impersonate-*</c> headers, which only some agents let callers send.</summary>
    public static bool IsImpersonationHeader(string name) =>
        name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the request headers to send to the agent to <paramref name="fields"/>; with <paramref name="upgrade"/> the handshake headers too.</summary>
    public static void CopyForAgent(IHeaderDictionary headers, bool upgrade, RepeatedField<HeaderField> fields)
    {
        var connectionListed = ConnectionListed(headers);
        foreach (var (name, values) in headers)
        {
            // The trace context travels in the head's own fields (TunnelTraceContext), never twice.
            if ((upgrade && IsUpgradeHeader(name)) || (IsForwardable(name) && !connectionListed.Contains(name) && !TraceContextHeaders.Contains(name)))
            {
                fields.Add(ToField(name, values));
            }
        }
    }

    /// <summary>
    /// Headers the caller named in <c>Connection</c>: hop-by-hop by declaration (RFC 9110 section 7.6.1), so a proxy
    /// drops them. Forwarding them would let a caller make the next hop treat any header as its own.
    /// </summary>
    public static IReadOnlySet<string> ConnectionListed(IHeaderDictionary headers)
    {
        if (headers.Connection.Count == 0)
        {
            return NothingListed; // Nearly every request: no set built for it.
        }

        var listed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in headers.Connection)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                listed.Add(name);
            }
        }

        return listed;
    }

    /// <summary>Copies the handshake headers of a <c>101</c> (Upgrade and protocol-specific ones) onto the caller's response.</summary>
    public static void CopyToSwitchingResponse(IEnumerable<HeaderField> fields, HttpResponse response)
    {
        foreach (var field in fields)
        {
            // Kestrel writes Connection itself when it switches protocols.
            if (field.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || !IsToken(field.Name))
            {
                continue;
            }

            response.Headers.Append(field.Name, new StringValues([.. field.Values]));
        }
    }

    private static bool IsPlatformHeader(string name) =>
        name.StartsWith(TunnelRouteHeaders.Prefix, StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-" + TunnelRouteHeaders.Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Copies response headers from the agent onto the caller's response.</summary>
    public static void CopyToResponse(IEnumerable<HeaderField> fields, HttpResponse response)
    {
        foreach (var field in fields)
        {
            if (HopByHop.Contains(field.Name) || !IsToken(field.Name))
            {
                continue;
            }

            response.Headers.Append(field.Name, ToValues(field));
        }
    }

    /// <summary>
    /// Copies the agent's trailers onto the caller's response where the caller's protocol can carry them. By the time
    /// trailers arrive the body is complete: a trailer that cannot be sent (a response without a body, a name or value
    /// Kestrel refuses) is dropped rather than cutting a finished response.
    /// </summary>
    public static void CopyTrailersToResponse(IEnumerable<HeaderField> fields, HttpResponse response)
    {
        if (!response.SupportsTrailers() || response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status205ResetContent or StatusCodes.Status304NotModified)
        {
            return;
        }

        foreach (var field in fields)
        {
            if (HopByHop.Contains(field.Name) || !IsToken(field.Name))
            {
                continue;
            }

            try
            {
                response.AppendTrailer(field.Name, new StringValues([.. field.Values]));
            }
            catch (InvalidOperationException)
            {
                // Kestrel validates trailer values as it takes them.
            }
        }
    }

    /// <summary>Copies response headers from a peer gateway onto the caller's response.</summary>
    public static void CopyToResponse(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, HttpResponse response)
    {
        foreach (var (name, values) in headers)
        {
            if (!HopByHop.Contains(name))
            {
                response.Headers.Append(name, new StringValues([.. values]));
            }
        }
    }

    /// <summary>
    /// True for a valid header name (an RFC 9110 token). An agent is not trusted to send only those, and Kestrel
    /// throws on anything else (an empty name, a pseudo-header, a space), which must become a 502, not a 500.
    /// </summary>
    private static bool IsToken(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(TokenChars);

    private static readonly System.Buffers.SearchValues<char> TokenChars = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // One value, the usual case, needs no array.
    private static StringValues ToValues(HeaderField field) =>
        field.Values.Count == 1 ? new StringValues(field.Values[0]) : new StringValues([.. field.Values]);

    private static HeaderField ToField(string name, StringValues values)
    {
        var field = new HeaderField { Name = name };
        foreach (var value in values)
        {
            if (value is not null)
            {
                field.Values.Add(value);
            }
        }

        return field;
    }
}
