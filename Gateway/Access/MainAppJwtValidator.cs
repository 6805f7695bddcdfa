using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Access;

/// <summary>
/// Checks JWTs the main application signs (HS256, shared secret) to act for a signed-in user: signature against
/// any configured secret (two during a rotation), issuer, audience, expiry with clock skew, and a short lifetime
/// (see <see cref="HmacJwt"/>). Claims: <c>sub</c> the user, <c>groups</c> the user's groups, <c>agents</c> the agents
/// the user may reach (<c>["*"]</c> for every agent). Deny by default: a token without <c>agents</c> is refused, so a
/// main application that forgets the claim never hands out the whole fleet.
/// </summary>
internal sealed class MainAppJwtValidator
{
    /// <summary>The <c>agents</c> entry that grants every agent.</summary>
    public const string AllAgents = "*";

    private readonly JwtRules _rules;
    private readonly TimeProvider _clock;
    private readonly JwtSecretFiles _secrets;

    /// <summary>Reads the secrets from their files at start, and again when a file changes.</summary>
    public MainAppJwtValidator(IOptions<AccessOptions> options, TimeProvider clock)
    {
        var value = options.Value;
        _rules = new JwtRules(value.JwtIssuer, value.JwtAudience, value.JwtClockSkew, value.JwtMaxLifetime);
        _clock = clock;
        _secrets = new JwtSecretFiles(value.JwtSecretFiles, clock);
    }

    /// <summary>True when at least one secret is configured; otherwise every JWT is refused.</summary>
    public bool IsEnabled => _secrets.IsConfigured;

    /// <summary>True when <paramref name="credential"/> has the shape of a JWT (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string credential) => HmacJwt.LooksLikeJwt(credential);

    /// <summary>The caller the token names, or null with the reason it was refused.</summary>
    public Caller? Validate(string jwt, out string refusal)
    {
        if (!IsEnabled)
        {
            refusal = "main-application tokens are not configured on this gateway";
            return null;
        }

        if (HmacJwt.Validate(jwt, _secrets.Current, _rules, _clock.GetUtcNow(), out refusal) is not { } claims)
        {
            return null;
        }

        if (string.IsNullOrEmpty(HmacJwt.Text(claims, "sub")))
        {
            refusal = "the token names no user (sub)";
            return null;
        }

        if (!claims.TryGetProperty("agents", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            refusal = "the token names no agents (agents: a list of agent names, or [\"*\"] for every agent)";
            return null;
        }

        var named = list.EnumerateArray().Select(StringOrEmpty).ToHashSet(StringComparer.Ordinal);
        IReadOnlySet<string>? agents = named.Contains(AllAgents) ? null : named;
        var groups = claims.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
            ? g.EnumerateArray().Select(StringOrEmpty).Where(x => x.Length > 0).ToArray()
            : [];
        return new Caller(CallerKind.MainAppJwt, HmacJwt.Text(claims, "sub")!, groups, agents);
    }

    private static string StringOrEmpty(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
}
