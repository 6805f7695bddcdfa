using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// Mints and checks service-account tokens: JWTs with the claims the API server puts in them (issuer,
/// audiences, expiry, <c>kubernetes.io</c> namespace and service account name and uid), signed with
/// a key made at start (HS256; nothing outside the emulator verifies them). A token names its service
/// account by uid, so it stops working when the account is deleted, even if one of the same name is made again.
/// </summary>
internal sealed class ServiceAccountTokens(TimeProvider time)
{
    /// <summary>The API server's own audience; tokens for other audiences are not accepted by it.</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public (string Token, DateTimeOffset Expires, string Id) Issue(string ns, string name, string uid, IReadOnlyList<string> audiences, long expirationSeconds)
    {
        var now = time.GetUtcNow();
        var expires = now.AddSeconds(expirationSeconds);
        var id = Guid.NewGuid().ToString();
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = ApiAudience,
            ["jti"] = id,
            ["kubernetes.io"] = new JsonObject { ["namespace"] = ns, ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = uid } },
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
        };
        var unsigned = Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return (unsigned + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(unsigned))), expires, id);
    }

    /// <summary>The service account a token was minted for, or null when it is not one of ours, has expired or is for another audience.</summary>
    public (string Namespace, string Name, string Uid, string Id)? Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        var expected = Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(parts[0] + "." + parts[1])));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2]))) return null;
        var claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
        if (claims?["exp"]?.GetValue<long>() is not { } exp || exp <= time.GetUtcNow().ToUnixTimeSeconds()) return null;
        if (claims["aud"] is not JsonArray audiences || !audiences.Any(a => a?.GetValue<string>() == ApiAudience)) return null;
        var k8s = claims["kubernetes.io"];
        var ns = k8s?["namespace"]?.GetValue<string>();
        var name = k8s?["serviceaccount"]?["name"]?.GetValue<string>();
        var uid = k8s?["serviceaccount"]?["uid"]?.GetValue<string>();
        var id = claims["jti"]?.GetValue<string>();
        return ns is null || name is null || uid is null || id is null ? null : (ns, name, uid, id);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
