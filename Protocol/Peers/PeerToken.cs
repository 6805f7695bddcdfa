using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Plural.Protocol.Peers;

/// <summary>
/// The credential one gateway presents to another on the private hop: <c>{issued}.{expires}.{signature}</c>, the
/// times in Unix seconds and the signature an HMAC-SHA256, under the gateways' shared peer secret, over the sending
/// gateway, the request it is for and both times. A token is good for one request line only, and for seconds.
/// </summary>
public static class PeerToken
{
    /// <summary>The <c>Authorization</c> scheme a peer token travels under.</summary>
    public const string Scheme = "Plural-Peer";

    private const string Version = "plural-peer-v1";

    /// <summary>Signs a token for <paramref name="request"/> valid from <paramref name="issued"/> to <paramref name="expires"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, PeerRequest request, DateTimeOffset issued, DateTimeOffset expires)
    {
        var (from, to) = (issued.ToUnixTimeSeconds(), expires.ToUnixTimeSeconds());
        return $"{from}.{to}.{Base64Url.EncodeToString(Mac(secret, request, from, to))}";
    }

    /// <summary>
    /// Checks <paramref name="token"/> for <paramref name="request"/> at <paramref name="now"/>, allowing
    /// <paramref name="skew"/> of clock difference between the gateways in either direction.
    /// </summary>
    public static PeerTokenCheck Verify(ReadOnlySpan<byte> secret, string? token, PeerRequest request,
        DateTimeOffset now, TimeSpan skew, TimeSpan maxLifetime)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 }
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || !TryDecode(parts[2], out var presented))
        {
            return PeerTokenCheck.Malformed;
        }

        // The signature first: times of a token that was not signed with the secret mean nothing.
        if (!CryptographicOperations.FixedTimeEquals(presented, Mac(secret, request, from, to)))
        {
            return PeerTokenCheck.WrongSignature;
        }

        var seconds = now.ToUnixTimeSeconds();
        var tolerance = (long)skew.TotalSeconds;
        if (to < from || to - from > (long)maxLifetime.TotalSeconds || from > seconds + tolerance || seconds > to + tolerance)
        {
            return PeerTokenCheck.Expired;
        }

        return PeerTokenCheck.Valid;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, PeerRequest request, long from, long to)
    {
        // Every field is percent-encoded, so the separator cannot occur inside one: no two requests sign alike.
        var fields = new[]
        {
            Version, request.GatewayId, request.AgentName, request.Method.ToUpperInvariant(), request.Path, request.Target,
            request.User ?? "", string.Join(',', request.Groups.Select(Uri.EscapeDataString)),
            from.ToString(CultureInfo.InvariantCulture), to.ToString(CultureInfo.InvariantCulture),
        };
        var text = string.Join('\n', fields.Select(Uri.EscapeDataString));
        return HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(text));
    }

    // TryDecodeFromChars reports only a short destination by its result; malformed text it throws on.
    private static bool TryDecode(string text, out byte[] bytes)
    {
        if (!Base64Url.IsValid(text))
        {
            bytes = [];
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
