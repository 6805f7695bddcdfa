using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Plural.Gateway.Access;

namespace Plural.Gateway.Tests.Access;

/// <summary>The main application's signing secret is rotated by rewriting its file; the gateway follows without a restart.</summary>
public sealed class JwtSecretRotationTests : IDisposable
{
    private static readonly JwtRules Rules = new("plural", "plural-server-api", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
    private readonly string _file = Path.GetTempFileName();
    private readonly ManualClock _clock = new();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void A_rewritten_secret_file_is_used_once_the_recheck_interval_passed()
    {
        File.WriteAllText(_file, "first-secret-0123456789abcdef\n");
        var secrets = new JwtSecretFiles([_file], _clock);
        Assert.Equal("", Refusal(secrets, "first-secret-0123456789abcdef"));

        File.WriteAllText(_file, "second-secret-0123456789abcdef");
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow.AddSeconds(5));
        _clock.Advance(JwtSecretFiles.RecheckInterval);

        Assert.Equal("", Refusal(secrets, "second-secret-0123456789abcdef"));
        Assert.Equal("bad signature", Refusal(secrets, "first-secret-0123456789abcdef"));
    }

    [Fact]
    public void A_secret_file_missing_for_a_moment_keeps_the_secret_last_read()
    {
        File.WriteAllText(_file, "kept-secret-0123456789abcdef");
        var secrets = new JwtSecretFiles([_file], _clock);

        File.Delete(_file);
        _clock.Advance(JwtSecretFiles.RecheckInterval);

        Assert.Equal("", Refusal(secrets, "kept-secret-0123456789abcdef"));
    }

    [Fact]
    public void A_missing_secret_file_fails_at_start()
    {
        File.Delete(_file);

        Assert.ThrowsAny<IOException>(() => new JwtSecretFiles([_file], _clock));
    }

    [Theory]
    [InlineData("plural", "plural-gateway", 300, "wrong audience")]
    [InlineData("rails", "plural-server-api", 300, "wrong issuer")]
    [InlineData("plural", "plural-server-api", -31, "token expired")]
    [InlineData("plural", "plural-server-api", -29, "")]
    public void Issuer_audience_and_expiry_with_skew_are_checked(string issuer, string audience, int expiresIn, string refusal)
    {
        File.WriteAllText(_file, "a-secret-0123456789abcdef");
        var secrets = new JwtSecretFiles([_file], _clock);

        Assert.Equal(refusal, Refusal(secrets, "a-secret-0123456789abcdef", issuer, audience, expiresIn));
    }

    private string Refusal(JwtSecretFiles secrets, string secret, string issuer = "plural", string audience = "plural-server-api", int expiresIn = 300)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var unsigned = Encode(new { alg = "HS256", typ = "JWT" }) + "." + Encode(new { iss = issuer, aud = audience, iat = now - 60, exp = now + expiresIn });
        var jwt = unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned)));
        HmacJwt.Validate(jwt, secrets.Current, Rules, _clock.GetUtcNow(), out var refusal);
        return refusal;
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
