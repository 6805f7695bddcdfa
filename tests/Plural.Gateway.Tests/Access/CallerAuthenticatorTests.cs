using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Grains.Access;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Access;

/// <summary>Which caller a presented credential proves, and the reason given when it proves nothing.</summary>
public sealed class CallerAuthenticatorTests : IDisposable
{
    private const string AdminSecret = "admin-token-0123456789";
    private const string JwtSecret = "jwt-secret-0123456789abcdef";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly GrainStubs _grains = new();
    private readonly string _secretFile = Path.GetTempFileName();
    private readonly (string Id, string Token) _userToken = UserAccessToken.Create();
    private UserTokenGrant? _grant;

    public CallerAuthenticatorTests()
    {
        File.WriteAllText(_secretFile, JwtSecret);
        _grant = Grant(agents: ["prod", "staging"]);
        _grains.On<IUserTokenGrain>("Resolve", (_, _) => Task.FromResult(_grant));
    }

    public void Dispose() => File.Delete(_secretFile);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task No_credential_proves_nothing(string credential)
    {
        Assert.Equal((null, "no credential"), await Authenticator().AuthenticateWithReasonAsync(credential, CancellationToken.None));
    }

    [Fact]
    public async Task The_admin_token_is_the_admin_with_every_agent()
    {
        var (caller, _) = await Authenticator().AuthenticateWithReasonAsync($"  {AdminSecret} ", CancellationToken.None);

        Assert.Equal(CallerKind.Admin, caller!.Kind);
        Assert.Equal("admin", caller.User);
        Assert.Null(caller.Agents);
        Assert.True(caller.MayAccess("any-agent"));
    }

    [Fact]
    public async Task Anything_else_is_an_unknown_credential_also_where_no_admin_token_is_configured()
    {
        Assert.Equal((null, "unknown credential"), await Authenticator().AuthenticateWithReasonAsync("guess", CancellationToken.None));
        Assert.Equal((null, "unknown credential"), await Authenticator(admin: null).AuthenticateWithReasonAsync(AdminSecret, CancellationToken.None));
    }

    [Fact]
    public async Task A_user_token_is_resolved_by_its_id_and_hash_and_limits_the_caller_to_its_agents()
    {
        var (caller, refusal) = await Authenticator().AuthenticateWithReasonAsync(_userToken.Token, CancellationToken.None);

        Assert.Equal("", refusal);
        Assert.Equal(CallerKind.UserToken, caller!.Kind);
        Assert.Equal("alice", caller.User);
        Assert.Equal(["dev"], caller.Groups);
        Assert.True(caller.MayAccess("prod"));
        Assert.False(caller.MayAccess("other"));
        var call = Assert.Single(_grains.Calls);
        Assert.Equal(_userToken.Id, call.Key);
        Assert.Equal(AgentTokenHash.Compute(_userToken.Token), call.Args[0]);
    }

    [Fact]
    public async Task A_user_token_granted_every_agent_reaches_every_agent()
    {
        _grant = Grant(agents: [UserTokenGrant.AllAgents]);

        var caller = await Authenticator().AuthenticateAsync(_userToken.Token, CancellationToken.None);

        Assert.Null(caller!.Agents);
    }

    [Fact]
    public async Task An_unknown_expired_or_revoked_user_token_is_refused_with_the_reason()
    {
        _grant = null;
        Assert.Equal((null, "unknown user token"), await Authenticator().AuthenticateWithReasonAsync(_userToken.Token, CancellationToken.None));

        _grant = Grant(expiresAt: _clock.GetUtcNow());
        Assert.Equal((null, "user token expired"), await Authenticator().AuthenticateWithReasonAsync(_userToken.Token, CancellationToken.None));

        _grant = Grant(revokedAt: _clock.GetUtcNow().AddMinutes(-1));
        Assert.Equal((null, "user token revoked"), await Authenticator().AuthenticateWithReasonAsync(_userToken.Token, CancellationToken.None));
    }

    [Fact]
    public async Task A_user_token_is_remembered_for_the_cache_time_so_a_revocation_takes_at_most_that_long()
    {
        var authenticator = Authenticator();
        Assert.NotNull(await authenticator.AuthenticateAsync(_userToken.Token, CancellationToken.None));
        _grant = Grant(revokedAt: _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.NotNull(await authenticator.AuthenticateAsync(_userToken.Token, CancellationToken.None));
        Assert.Single(_grains.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await authenticator.AuthenticateAsync(_userToken.Token, CancellationToken.None));
        Assert.Equal(2, _grains.Calls.Count);
    }

    [Fact]
    public async Task A_main_application_jwt_proves_the_user_it_names()
    {
        var (caller, refusal) = await Authenticator().AuthenticateWithReasonAsync(Jwt(JwtSecret), CancellationToken.None);

        Assert.Equal("", refusal);
        Assert.Equal(CallerKind.MainAppJwt, caller!.Kind);
        Assert.Equal("bob", caller.User);
        Assert.Empty(_grains.Calls);
    }

    [Fact]
    public async Task A_bad_jwt_is_refused_with_the_validators_reason()
    {
        Assert.Equal((null, "bad signature"), await Authenticator().AuthenticateWithReasonAsync(Jwt("another-secret"), CancellationToken.None));
    }

    [Fact]
    public async Task A_jwt_on_a_gateway_without_jwt_secrets_is_refused_as_not_configured()
    {
        var (caller, refusal) = await Authenticator(jwtFiles: []).AuthenticateWithReasonAsync(Jwt(JwtSecret), CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("main-application tokens are not configured on this gateway", refusal);
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer   abc  ", "abc")]
    [InlineData("Basic abc", "")]
    [InlineData("Bearer", "")]
    [InlineData(null, "")]
    public void The_bearer_token_is_read_from_an_authorization_header(string? header, string expected)
    {
        Assert.Equal(expected, CallerAuthenticator.BearerOf(header));
    }

    private CallerAuthenticator Authenticator(string? admin = AdminSecret, List<string>? jwtFiles = null)
    {
        var access = Options.Create(new AccessOptions { JwtSecretFiles = jwtFiles ?? [_secretFile] });
        return new CallerAuthenticator(_grains.Factory, new AdminCredentials(Options.Create(new GatewayOptions { AdminToken = admin }), TimeProvider.System, NullLogger<AdminCredentials>.Instance),
            new MainAppJwtValidator(access, _clock), access, Options.Create(new GrainReadOptions()), _clock, NullLogger<CallerAuthenticator>.Instance);
    }

    private UserTokenGrant Grant(string[]? agents = null, DateTimeOffset? expiresAt = null, DateTimeOffset? revokedAt = null) =>
        new(_userToken.Id, AgentTokenHash.Compute(_userToken.Token), "alice", ["dev"], agents ?? ["prod"],
            _clock.GetUtcNow().AddHours(-1), expiresAt ?? _clock.GetUtcNow().AddHours(1), revokedAt);

    private string Jwt(string secret)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var unsigned = Encode(new { alg = "HS256", typ = "JWT" }) + "." +
            Encode(new { iss = "plural", aud = "plural-gateway", sub = "bob", iat = now, exp = now + 60, agents = new[] { "*" } });
        return unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
