using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Plural.Gateway.Access;

namespace Plural.Gateway.Tests.Access;

/// <summary>HS256 checks: shape, algorithm, signature, then issuer, audience, expiry, not-before and lifetime.</summary>
public sealed class HmacJwtTests
{
    private static readonly byte[] Secret = "current-secret-0123456789abcdef"u8.ToArray();
    private static readonly JwtRules Rules = new("plural", "plural-gateway", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long Unix = Now.ToUnixTimeSeconds();

    [Fact]
    public void A_valid_token_returns_its_claims()
    {
        var claims = HmacJwt.Validate(Sign(Claims()), [Secret], Rules, Now, out var refusal);

        Assert.Equal("", refusal);
        Assert.Equal("alice", HmacJwt.Text(claims!.Value, "sub"));
        Assert.Null(HmacJwt.Text(claims.Value, "exp"));
        Assert.Null(HmacJwt.Text(claims.Value, "missing"));
    }

    [Fact]
    public void Any_of_the_given_secrets_may_have_signed_the_token()
    {
        var previous = "previous-secret"u8.ToArray();

        Assert.NotNull(HmacJwt.Validate(Sign(Claims(), previous), [Secret, previous], Rules, Now, out _));
        Assert.Null(HmacJwt.Validate(Sign(Claims(), previous), [Secret], Rules, Now, out var refusal));
        Assert.Equal("bad signature", refusal);
    }

    [Fact]
    public void A_token_whose_claims_were_changed_after_signing_has_a_bad_signature()
    {
        var parts = Sign(Claims()).Split('.');
        var forged = Claims();
        forged["sub"] = "mallory";
        var tampered = $"{parts[0]}.{Encode(forged)}.{parts[2]}";

        Assert.Null(HmacJwt.Validate(tampered, [Secret], Rules, Now, out var refusal));
        Assert.Equal("bad signature", refusal);
    }

    [Theory]
    [InlineData("HS512")]
    [InlineData("none")]
    [InlineData(null)]
    public void Only_HS256_is_accepted(string? alg)
    {
        object header = alg is null ? new { typ = "JWT" } : new { alg, typ = "JWT" };

        Assert.Null(HmacJwt.Validate(Sign(Claims(), Secret, header), [Secret], Rules, Now, out var refusal));
        Assert.Equal("only HS256 tokens are accepted", refusal);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!.e30.e30")]
    [InlineData("e30.!!.e30")]
    [InlineData("bm90IGpzb24.e30.e30")]
    public void A_token_that_is_not_three_base64url_parts_of_json_is_malformed(string jwt)
    {
        Assert.Null(HmacJwt.Validate(jwt, [Secret], Rules, Now, out var refusal));
        Assert.Equal("malformed token", refusal);
    }

    [Fact]
    public void Signed_claims_that_are_not_an_object_are_malformed()
    {
        Assert.Null(HmacJwt.Validate(Sign(new[] { "sub", "alice" }), [Secret], Rules, Now, out var refusal));
        Assert.Equal("malformed token", refusal);
    }

    [Theory]
    [InlineData("""["other","plural-gateway"]""", true)]
    [InlineData("""["other"]""", false)]
    [InlineData("""7""", false)]
    [InlineData("""[7]""", false)]
    public void The_audience_may_be_a_list_that_names_the_gateway(string aud, bool accepted)
    {
        var claims = Claims();
        claims["aud"] = JsonDocument.Parse(aud).RootElement;

        var result = HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var refusal);

        Assert.Equal(accepted, result is not null);
        Assert.Equal(accepted ? "" : "wrong audience", refusal);
    }

    [Fact]
    public void A_token_without_audience_is_refused()
    {
        var claims = Claims();
        claims.Remove("aud");

        Assert.Null(HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var refusal));
        Assert.Equal("wrong audience", refusal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1767268800")]
    public void A_token_must_carry_a_numeric_expiry(string? exp)
    {
        var claims = Claims();
        claims.Remove("exp");
        if (exp is not null)
        {
            claims["exp"] = exp;
        }

        Assert.Null(HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var refusal));
        Assert.Equal("the token has no expiry", refusal);
    }

    [Theory]
    [InlineData(-29, "")]
    [InlineData(-30, "token expired")]
    public void Expiry_is_checked_with_the_clock_skew(int expiresIn, string refusal)
    {
        HmacJwt.Validate(Sign(Claims(expiresIn: expiresIn)), [Secret], Rules, Now, out var actual);

        Assert.Equal(refusal, actual);
    }

    [Theory]
    [InlineData(30, "")]
    [InlineData(31, "token not yet valid")]
    public void Not_before_is_checked_with_the_clock_skew(int notBeforeIn, string refusal)
    {
        var claims = Claims();
        claims["nbf"] = Unix + notBeforeIn;

        HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var actual);

        Assert.Equal(refusal, actual);
    }

    [Theory]
    [InlineData(10, "")]
    [InlineData(16, "token lifetime is longer than allowed")]
    public void Without_iat_the_lifetime_is_counted_from_now(int expiresInMinutes, string refusal)
    {
        var claims = Claims(expiresIn: expiresInMinutes * 60);
        claims.Remove("iat");

        HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var actual);

        Assert.Equal(refusal, actual);
    }

    [Fact]
    public void A_token_issued_long_before_its_expiry_is_refused_even_when_unexpired()
    {
        var claims = Claims(expiresIn: 60);
        claims["iat"] = Unix - 3600;

        Assert.Null(HmacJwt.Validate(Sign(claims), [Secret], Rules, Now, out var refusal));
        Assert.Equal("token lifetime is longer than allowed", refusal);
    }

    [Theory]
    [InlineData("a.b.c", true)]
    [InlineData("plrl_user_0123456789abcdef_secret", false)]
    [InlineData("a.b", false)]
    [InlineData("a.b.c.d", false)]
    [InlineData("Bearer a.b.c", false)]
    public void A_credential_looks_like_a_jwt_when_it_has_three_parts_and_no_space(string credential, bool expected)
    {
        Assert.Equal(expected, HmacJwt.LooksLikeJwt(credential));
    }

    private static Dictionary<string, object> Claims(int expiresIn = 300) => new()
    {
        ["iss"] = "plural",
        ["aud"] = "plural-gateway",
        ["sub"] = "alice",
        ["iat"] = Unix,
        ["exp"] = Unix + expiresIn,
    };

    private static string Sign(object claims, byte[]? secret = null, object? header = null)
    {
        var unsigned = Encode(header ?? new { alg = "HS256", typ = "JWT" }) + "." + Encode(claims);
        return unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(secret ?? Secret, Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
