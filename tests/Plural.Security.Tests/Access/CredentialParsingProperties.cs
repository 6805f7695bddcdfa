using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Plural.Gateway.Access;
using Plural.Security.Tests.Infrastructure;
using Plural.Security.Tests.KubeEmulator;

namespace Plural.Security.Tests.Access;

/// <summary>
/// The credentials a caller presents before anything else of theirs is read: main-application JWTs and user access
/// tokens. Whatever the text, the gateway answers with a refusal phrase or a caller, never an exception; a JWT is
/// only ever accepted when it carries our signature and every registered claim holds.
/// </summary>
public sealed class CredentialParsingProperties
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("property-secret-0123456789abcdef");
    private static readonly JwtRules Rules = new("plural-main-app", "plural-gateway", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly Gen<JsonNode?> ClaimValue = Gen.Frequency(
        (4, Gen.OneOf<JsonNode?>("plural-main-app", "plural-gateway", "", "x", null, new JsonArray("plural-gateway"), new JsonArray(1, null))),
        (4, Gen.Long[Now.ToUnixTimeSeconds() - 1_000, Now.ToUnixTimeSeconds() + 1_000].Select(n => (JsonNode?)n)),
        (1, Gen.OneOf<JsonNode?>(long.MaxValue, long.MinValue, 1e300, -0.5, 1.5e9, "1800000000", true)),
        (1, HostileRequests.Json(2)));

    // Claims around the edges of each rule: right and wrong issuers and audiences, times either side of now.
    private static readonly Gen<string> Claims = Gen.Select(ClaimValue, ClaimValue, ClaimValue, ClaimValue, ClaimValue, Gen.Bool,
        (iss, aud, exp, iat, nbf, withNbf) =>
        {
            // Generated nodes may be shared between cases; each claim set gets its own copies.
            var claims = new JsonObject
            {
                ["iss"] = iss?.DeepClone(), ["aud"] = aud?.DeepClone(), ["exp"] = exp?.DeepClone(), ["iat"] = iat?.DeepClone(), ["sub"] = "ada",
                ["agents"] = new JsonArray("*"),
            };
            if (withNbf)
            {
                claims["nbf"] = nbf?.DeepClone();
            }

            return claims.ToJsonString();
        });

    private static readonly Gen<string> Header = Gen.OneOf("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}", "{\"alg\":\"HS512\"}",
        "{\"alg\":\"hs256\"}", "{}", "[]", "{\"alg\":null}", "{\"alg\":\"HS256\"", "null");

    [Fact]
    public void Any_text_presented_as_a_jwt_is_refused_with_a_reason_and_never_throws()
    {
        var text = Gen.Frequency(
            (2, Gen.String[0, 200]),
            (2, Gen.Select(Gen.String[0, 40], Gen.String[0, 80], Gen.String[0, 40], (a, b, c) => $"{a}.{b}.{c}")),
            (2, Gen.Select(Header, Claims, Gen.Byte.Array[0, 40], (h, c, sig) => $"{Encode(h)}.{Encode(c)}.{Base64Url.EncodeToString(sig)}")));
        text.Sample(jwt =>
        {
            var claims = HmacJwt.Validate(jwt, [Secret], Rules, Now, out var refusal);

            Assert.Null(claims);
            Assert.False(string.IsNullOrWhiteSpace(refusal));
            Assert.DoesNotContain(jwt.Length > 8 ? jwt : "\u0001never", refusal, StringComparison.Ordinal);
        }, iter: Fuzz.Iterations(20_000), print: jwt => jwt);
    }

    [Fact]
    public void A_signed_jwt_is_accepted_only_when_every_registered_claim_holds()
    {
        Gen.Select(Header, Claims).Sample(t =>
        {
            var (header, claims) = t;
            var jwt = Sign(header, claims);

            var accepted = HmacJwt.Validate(jwt, [Secret], Rules, Now, out var refusal);

            if (accepted is not { } c)
            {
                Assert.False(string.IsNullOrWhiteSpace(refusal));
                return;
            }

            Assert.Equal("HS256", JsonNode.Parse(header)!["alg"]!.GetValue<string>());
            Assert.Equal(Rules.Issuer, c.GetProperty("iss").GetString());
            var aud = c.GetProperty("aud");
            Assert.True(aud.ValueKind == JsonValueKind.String ? aud.GetString() == Rules.Audience
                : aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == Rules.Audience));
            Int128 exp = c.GetProperty("exp").GetInt64();
            Assert.True(exp + (long)Rules.ClockSkew.TotalSeconds > Now.ToUnixTimeSeconds(), "an expired token was accepted");
            Int128 iat = c.TryGetProperty("iat", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt64() : Now.ToUnixTimeSeconds();
            Assert.True(exp - iat <= (long)(Rules.MaxLifetime + Rules.ClockSkew).TotalSeconds, "a token living longer than allowed was accepted");
        }, iter: Fuzz.Iterations(20_000), print: t => $"{t.Item1} {t.Item2}");
    }

    [Fact]
    public void A_signed_jwt_issued_at_the_start_of_time_is_refused_as_too_long_lived()
    {
        var jwt = Sign("{\"alg\":\"HS256\"}",
            $"{{\"iss\":\"{Rules.Issuer}\",\"aud\":\"{Rules.Audience}\",\"sub\":\"ada\",\"agents\":[\"*\"],\"exp\":{Now.ToUnixTimeSeconds() + 60},\"iat\":{long.MinValue}}}");

        Assert.Null(HmacJwt.Validate(jwt, [Secret], Rules, Now, out var refusal));
        Assert.Equal("token lifetime is longer than allowed", refusal);
    }

    [Fact]
    public void A_signed_jwt_with_one_byte_changed_is_refused()
    {
        var valid = Sign("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
            $"{{\"iss\":\"{Rules.Issuer}\",\"aud\":\"{Rules.Audience}\",\"sub\":\"ada\",\"agents\":[\"*\"],\"exp\":{Now.ToUnixTimeSeconds() + 60}}}");
        Assert.NotNull(HmacJwt.Validate(valid, [Secret], Rules, Now, out _));

        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Char['!', '~']).Sample(t =>
        {
            var (at, replacement) = t;
            var tampered = string.Concat(valid.AsSpan(0, at), replacement.ToString(), valid.AsSpan(at + 1));
            if (tampered == valid || Base64UrlEquivalent(valid, tampered))
            {
                return;
            }

            Assert.Null(HmacJwt.Validate(tampered, [Secret], Rules, Now, out var refusal));
            Assert.False(string.IsNullOrWhiteSpace(refusal));
        }, iter: Fuzz.Iterations(20_000), print: t => $"position {t.Item1} set to '{t.Item2}'");
    }

    [Fact]
    public void Any_text_presented_as_a_user_token_yields_its_id_only_when_shaped_like_one()
    {
        Gen.Frequency(
            (2, Gen.String[0, 300]),
            (2, Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 0, 20], Gen.String[0, 50], (id, secret) => $"{UserAccessToken.Prefix}{id}_{secret}")),
            (1, Gen.Const(0).Select(_ => UserAccessToken.Create().Token))).Sample(token =>
        {
            if (UserAccessToken.TryParseId(token, out var id))
            {
                Assert.Matches("^[0-9a-f]{16}$", id);
                Assert.StartsWith(UserAccessToken.Prefix + id + "_", token, StringComparison.Ordinal);
                Assert.True(token.Length <= 256);
            }
            else
            {
                Assert.Equal("", id);
            }
        }, iter: Fuzz.Iterations(20_000), print: token => token);
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Sign(string header, string claims)
    {
        var signed = $"{Encode(header)}.{Encode(claims)}";
        return $"{signed}.{Base64Url.EncodeToString(HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(signed)))}";
    }

    // The last character of a base64url part carries spare bits: two spellings can decode to the same bytes.
    private static bool Base64UrlEquivalent(string a, string b)
    {
        var (pa, pb) = (a.Split('.'), b.Split('.'));
        if (pa.Length != 3 || pb.Length != 3)
        {
            return false;
        }

        for (var i = 0; i < 3; i++)
        {
            try
            {
                if (!Base64Url.DecodeFromChars(pa[i]).AsSpan().SequenceEqual(Base64Url.DecodeFromChars(pb[i])))
                {
                    return false;
                }
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return true;
    }
}
