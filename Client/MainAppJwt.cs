using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Plural.Client;

/// <summary>Mints the HS256 JWTs the gateway accepts from the main application.</summary>
public static class MainAppJwt
{
    /// <summary>The <c>agents</c> entry of <see cref="MintForUser"/> that reaches every agent.</summary>
    public const string AllAgents = "*";

    /// <summary>
    /// A compact JWT with <c>iss</c>, <c>aud</c>, <c>sub</c>, <c>iat</c> and <c>exp</c>, signed with
    /// <paramref name="secret"/>: what <c>ServerApi</c> takes from the main application itself.
    /// </summary>
    public static string Mint(byte[] secret, string issuer, string audience, string subject, DateTimeOffset issuedAt, TimeSpan lifetime) =>
        Sign(secret, Claims(issuer, audience, subject, issuedAt, lifetime));

    /// <summary>
    /// A JWT with which the main application acts for a signed-in user on <c>/k8s-proxy</c> and <c>/cable</c>: the
    /// user's name and groups, and the agents the user may reach (<see cref="AllAgents"/> alone for every agent).
    /// The gateway refuses a user token that names no agents.
    /// </summary>
    public static string MintForUser(byte[] secret, string issuer, string audience, string user, IReadOnlyList<string> groups,
        IReadOnlyList<string> agents, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(agents);
        if (agents.Count == 0)
        {
            throw new ArgumentException($"name at least one agent, or \"{AllAgents}\" for every agent", nameof(agents));
        }

        var claims = Claims(issuer, audience, user, issuedAt, lifetime);
        claims["groups"] = groups;
        claims["agents"] = agents;
        return Sign(secret, claims);
    }

    private static Dictionary<string, object> Claims(string issuer, string audience, string subject, DateTimeOffset issuedAt, TimeSpan lifetime) => new()
    {
        ["iss"] = issuer,
        ["aud"] = audience,
        ["sub"] = subject,
        ["iat"] = issuedAt.ToUnixTimeSeconds(),
        ["exp"] = (issuedAt + lifetime).ToUnixTimeSeconds(),
    };

    private static string Sign(byte[] secret, Dictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
