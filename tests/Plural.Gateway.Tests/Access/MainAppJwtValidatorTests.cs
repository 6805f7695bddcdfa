using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;

namespace Plural.Gateway.Tests.Access;

public sealed class MainAppJwtValidatorTests : IDisposable
{
    private const string Secret = "current-secret-0123456789abcdef", Previous = "previous-secret-0123456789abcdef";
    private readonly string _currentFile = Path.GetTempFileName(), _previousFile = Path.GetTempFileName();
    private readonly ManualClock _clock = new();

    public MainAppJwtValidatorTests()
    {
        File.WriteAllText(_currentFile, Secret + "\n");
        File.WriteAllText(_previousFile, Previous);
    }

    public void Dispose()
    {
        File.Delete(_currentFile);
        File.Delete(_previousFile);
    }

    [Fact]
    public void A_valid_token_names_the_user_groups_and_agents()
    {
        var caller = Validator().Validate(Sign(Secret, Claims(groups: ["sre"], agents: ["prod"])), out var refusal);

        Assert.Equal("", refusal);
        Assert.NotNull(caller);
        Assert.Equal(CallerKind.MainAppJwt, caller.Kind);
        Assert.Equal("alice", caller.User);
        Assert.Equal(["sre"], caller.Groups);
        Assert.True(caller.MayAccess("prod"));
        Assert.False(caller.MayAccess("staging"));
    }

    [Fact]
    public void The_wildcard_agent_reaches_every_agent()
    {
        var caller = Validator().Validate(Sign(Secret, Claims(agents: ["*"])), out _);

        Assert.True(caller!.MayAccess("anything"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_token_that_names_no_agents_is_refused(bool emptyList)
    {
        var claims = Claims();
        claims.Remove("agents");
        if (emptyList)
        {
            claims["agents"] = Array.Empty<string>();
        }

        var caller = Validator().Validate(Sign(Secret, claims), out var refusal);

        Assert.Null(caller);
        Assert.Equal("the token names no agents (agents: a list of agent names, or [\"*\"] for every agent)", refusal);
    }

    [Fact]
    public void An_agents_claim_that_is_not_a_list_is_refused()
    {
        var claims = Claims();
        claims["agents"] = "*";

        Assert.Null(Validator().Validate(Sign(Secret, claims), out var refusal));
        Assert.StartsWith("the token names no agents", refusal);
    }

    [Fact]
    public void Both_secrets_are_accepted_during_a_rotation()
    {
        var validator = Validator(_currentFile, _previousFile);

        Assert.NotNull(validator.Validate(Sign(Secret, Claims()), out _));
        Assert.NotNull(validator.Validate(Sign(Previous, Claims()), out _));
    }

    [Theory]
    [InlineData("wrong-secret", null, null, 0, "bad signature")]
    [InlineData(Secret, "someone-else", null, 0, "wrong issuer")]
    [InlineData(Secret, null, "another-service", 0, "wrong audience")]
    [InlineData(Secret, null, null, -120, "token expired")]
    public void Bad_tokens_are_refused_with_the_reason(string secret, string? issuer, string? audience, int expiresInSeconds, string reason)
    {
        var claims = Claims(issuer: issuer, audience: audience, expiresIn: expiresInSeconds == 0 ? 300 : expiresInSeconds);

        var caller = Validator().Validate(Sign(secret, claims), out var refusal);

        Assert.Null(caller);
        Assert.Equal(reason, refusal);
    }

    [Fact]
    public void Clock_skew_is_tolerated_but_long_lived_and_unsigned_tokens_are_not()
    {
        var validator = Validator();

        Assert.NotNull(validator.Validate(Sign(Secret, Claims(expiresIn: -10)), out _));
        Assert.Null(validator.Validate(Sign(Secret, Claims(expiresIn: 24 * 3600)), out var tooLong));
        Assert.Equal("token lifetime is longer than allowed", tooLong);
        var unsigned = Encode(new { alg = "none", typ = "JWT" }) + "." + Encode(Claims()) + ".";
        Assert.Null(validator.Validate(unsigned, out _));
        Assert.Null(validator.Validate("not.a.jwt!", out var malformed));
        Assert.Equal("malformed token", malformed);
    }

    private MainAppJwtValidator Validator(params string[] files) =>
        new(Options.Create(new AccessOptions { JwtSecretFiles = files.Length > 0 ? [.. files] : [_currentFile] }), _clock);

    private Dictionary<string, object> Claims(string? issuer = null, string? audience = null, int expiresIn = 300, string[]? groups = null, string[]? agents = null)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? "plural",
            ["aud"] = audience ?? "plural-gateway",
            ["sub"] = "alice",
            ["iat"] = now,
            ["exp"] = now + expiresIn,
            ["groups"] = groups ?? [],
        };
        claims["agents"] = agents ?? ["*"];
        return claims;
    }

    private static string Sign(string secret, object claims)
    {
        var unsigned = Encode(new { alg = "HS256", typ = "JWT" }) + "." + Encode(claims);
        return unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
