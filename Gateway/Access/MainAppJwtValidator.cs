using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Access;

/// <summary>
/// Checks JWTs the main application signs (HS256, shared secret) to act for a signed-in user: signature against
/// any configured secret (two during a rotation), issuer, audience, expiry with clock skew, and a short lifetime.
/// Claims: <c>sub</c> the user, <c>groups</c> the user's groups, optional <c>agents</c> (absent means every agent).
/// </summary>
public sealed class MainAppJwtValidator
{
    private readonly AccessOptions _options;
    private readonly TimeProvider _clock;
    private readonly byte[][] _secrets;

    /// <summary>Reads the secrets from their files once, at start.</summary>
    public MainAppJwtValidator(IOptions<AccessOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _secrets = [.. _options.JwtSecretFiles.Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => Encoding.UTF8.GetBytes(File.ReadAllText(f).Trim()))];
    }

    /// <summary>True when at least one secret is configured; otherwise every JWT is refused.</summary>
    public bool IsEnabled => _secrets.Length > 0;

    /// <summary>True when <paramref name="credential"/> has the shape of a JWT (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2 && !credential.Contains(' ');

    /// <summary>The caller the token names, or null with the reason it was refused.</summary>
    public Caller? Validate(string jwt, out string refusal)
    {
        refusal = "";
        if (!IsEnabled)
        {
            refusal = "main-application tokens are not configured on this gateway";
            return null;
        }

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
            if (!_secrets.Any(secret => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, signed), signature)))
            {
                refusal = "bad signature";
                return null;
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            return CheckClaims(payload.RootElement, out refusal);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            refusal = "malformed token";
            return null;
        }
    }

    private Caller? CheckClaims(JsonElement claims, out string refusal)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_options.JwtClockSkew.TotalSeconds;
        refusal = "";
        if (Text(claims, "iss") != _options.JwtIssuer)
        {
            refusal = "wrong issuer";
        }
        else if (!Audiences(claims).Contains(_options.JwtAudience))
        {
            refusal = "wrong audience";
        }
        else if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
        {
            refusal = "the token has no expiry";
        }
        else if (exp.GetInt64() + skew <= now)
        {
            refusal = "token expired";
        }
        else if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number && nbf.GetInt64() - skew > now)
        {
            refusal = "token not yet valid";
        }
        else if (exp.GetInt64() - (claims.TryGetProperty("iat", out var iat) && iat.ValueKind == JsonValueKind.Number ? iat.GetInt64() : now)
                 > (long)_options.JwtMaxLifetime.TotalSeconds + skew)
        {
            refusal = "token lifetime is longer than allowed";
        }
        else if (string.IsNullOrEmpty(Text(claims, "sub")))
        {
            refusal = "the token names no user (sub)";
        }

        if (refusal.Length > 0)
        {
            return null;
        }

        IReadOnlySet<string>? agents = claims.TryGetProperty("agents", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(a => a.GetString() ?? "").ToHashSet(StringComparer.Ordinal)
            : null;
        var groups = claims.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
            ? g.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToArray()
            : [];
        return new Caller(CallerKind.MainAppJwt, Text(claims, "sub")!, groups, agents);
    }

    private static string? Text(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string?> Audiences(JsonElement claims) =>
        !claims.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString())
        : [aud.GetString()];

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
