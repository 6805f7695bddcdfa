using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Plural.Gateway.Access;

/// <summary>
/// Checks HS256 JWTs signed with a shared secret: signature against any of the given secrets (two during a
/// rotation), then the registered claims <see cref="JwtRules"/> ask for. Refusals are short phrases safe to show
/// the caller; they never echo the token.
/// </summary>
internal static class HmacJwt
{
    /// <summary>True when <paramref name="credential"/> has the shape of a JWT (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2 && !credential.Contains(' ');

    /// <summary>The token's claims when it is valid, or null with the reason it was refused.</summary>
    public static JsonElement? Validate(string jwt, IReadOnlyList<byte[]> secrets, JwtRules rules, DateTimeOffset now, out string refusal)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            refusal = "malformed token";
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
            {
                refusal = "only HS256 tokens are accepted";
                return null;
            }

            var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
            if (!secrets.Any(secret => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, signed), signature)))
            {
                refusal = "bad signature";
                return null;
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            var claims = payload.RootElement;
            if (claims.ValueKind != JsonValueKind.Object)
            {
                refusal = "malformed token";
                return null;
            }

            refusal = CheckRegisteredClaims(claims, rules, now.ToUnixTimeSeconds());
            return refusal.Length == 0 ? claims.Clone() : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            refusal = "malformed token";
            return null;
        }
    }

    /// <summary>A string claim, or null when absent or not a string.</summary>
    public static string? Text(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // Claim arithmetic is done in 128 bits: a signed token with times near the ends of the 64-bit range must not wrap
    // around into looking fresh or short-lived.
    private static string CheckRegisteredClaims(JsonElement claims, JwtRules rules, long now)
    {
        var skew = (Int128)(long)rules.ClockSkew.TotalSeconds;
        if (Text(claims, "iss") != rules.Issuer)
        {
            return "wrong issuer";
        }

        if (!Audiences(claims).Contains(rules.Audience))
        {
            return "wrong audience";
        }

        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
        {
            return "the token has no expiry";
        }

        Int128 expires = exp.GetInt64();
        if (expires + skew <= now)
        {
            return "token expired";
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number && nbf.GetInt64() - skew > now)
        {
            return "token not yet valid";
        }

        Int128 issuedAt = claims.TryGetProperty("iat", out var iat) && iat.ValueKind == JsonValueKind.Number ? iat.GetInt64() : now;
        return expires - issuedAt > (long)rules.MaxLifetime.TotalSeconds + skew ? "token lifetime is longer than allowed" : "";
    }

    private static IEnumerable<string?> Audiences(JsonElement claims) =>
        !claims.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : null)
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()]
        : [];

    private static bool TryDecode(string part, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(part);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
