using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Agents;
using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Agents;

/// <summary>
/// The main application as the authority for agent tokens no grain knows, against a real HTTP server on loopback
/// standing in for it: what it vouches for is cached under the same staleness rules as the grains' answers, and when it
/// is slow, down or answers garbage, agents it vouched for before keep connecting while unknown tokens are told to retry.
/// </summary>
public sealed class MainAppTokenAuthorityTests : IAsyncLifetime
{
    private const string Token = "plrl_agent_vouched-by-the-main-app";
    private readonly FakeTimeProvider _clock = new();
    private readonly GrainStubs _grains = new();
    private readonly AgentAuthOptions _cacheOptions = new() { RefreshAfter = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.FromMinutes(5), NegativeTtl = TimeSpan.FromSeconds(5) };
    private readonly List<MainAppTokenAuthority> _authorities = [];
    private readonly string _credentialFile = Path.GetTempFileName();
    private MainAppTokenEndpoint _endpoint = null!;

    public MainAppTokenAuthorityTests()
    {
        _grains.On<IAgentTokenGrain>("Resolve", (_, _) => Task.FromResult<TokenBinding?>(null));
        _grains.On<IAgentGrain>("Get", (name, _) => Task.FromResult<AgentSnapshot?>(name == "ghost" ? null
            : new AgentSnapshot(new AgentRegistration(name, new Dictionary<string, string>(), "", DateTimeOffset.UnixEpoch), [], new AgentConnectionStatus(false, null, []))));
    }

    private static string Hash => AgentTokenHash.Compute(Token);

    public async Task InitializeAsync()
    {
        _endpoint = await MainAppTokenEndpoint.StartAsync();
        await File.WriteAllTextAsync(_credentialFile, "gateway-to-main-app-credential\n");
    }

    public async Task DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        _authorities.ForEach(a => a.Dispose());
        File.Delete(_credentialFile);
    }

    [Fact]
    public async Task A_token_no_grain_knows_is_vouched_for_by_the_main_application_and_then_served_from_memory()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        _endpoint.Vouch(Token, "prod-eu-1", "rails-17", expires);
        var cache = Cache();

        var binding = await cache.ResolveAsync(Hash, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(9));
        var again = await cache.ResolveAsync(Hash, CancellationToken.None);

        Assert.Equal(new TokenBinding("prod-eu-1", "main-app:rails-17", null, expires), binding);
        Assert.Equal(binding, again);
        Assert.Equal([MainAppTokenEndpoint.HashOf(Token)], _endpoint.AskedHashes);
        Assert.Equal(["Bearer gateway-to-main-app-credential"], _endpoint.Authorizations);
        Assert.Equal(binding, cache.TryGetKnownActive(Hash));
    }

    [Fact]
    public async Task A_token_the_main_application_does_not_know_is_unknown_and_remembered_as_such_for_the_negative_ttl()
    {
        var cache = Cache();

        Assert.Null(await cache.ResolveAsync(Hash, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await cache.ResolveAsync(Hash, CancellationToken.None));
        Assert.Single(_endpoint.AskedHashes);

        _endpoint.Vouch(Token, "prod-eu-1");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("prod-eu-1", (await cache.ResolveAsync(Hash, CancellationToken.None))?.AgentName);
    }

    [Fact]
    public async Task A_token_vouched_for_an_agent_nobody_registered_is_refused()
    {
        _endpoint.Vouch(Token, "ghost");

        Assert.Null(await Cache().ResolveAsync(Hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_slow_endpoint_holds_up_no_vouched_token_and_tells_an_unknown_one_to_retry_after_the_timeout()
    {
        _endpoint.Vouch(Token, "prod-eu-1");
        var cache = Cache(TimeSpan.FromMilliseconds(300));
        await cache.ResolveAsync(Hash, CancellationToken.None);
        _endpoint.Delay = TimeSpan.FromSeconds(30);
        _clock.Advance(TimeSpan.FromSeconds(11));

        // Past its refresh age the vouched token is answered at once; the refresh waits on the slow endpoint alone.
        var known = cache.ResolveAsync(Hash, CancellationToken.None);
        Assert.True(known.IsCompleted);
        Assert.Equal("prod-eu-1", (await known)?.AgentName);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await cache.ResolveAsync(AgentTokenHash.Compute("plrl_agent_new"), CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, unknown.StatusCode);
        Assert.Contains("did not answer within 0.3 s; retry", unknown.Status.Detail);
        Assert.Equal("prod-eu-1", (await cache.ResolveAsync(Hash, CancellationToken.None))?.AgentName);
    }

    [Fact]
    public async Task A_down_endpoint_keeps_vouched_tokens_in_service_until_max_staleness_and_unknown_ones_are_told_to_retry()
    {
        _endpoint.Vouch(Token, "prod-eu-1");
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);
        await _endpoint.StopAsync();

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("prod-eu-1", (await cache.ResolveAsync(Hash, CancellationToken.None))?.AgentName);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await cache.ResolveAsync(AgentTokenHash.Compute("plrl_agent_new"), CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var stale = await Assert.ThrowsAsync<RpcException>(async () => await cache.ResolveAsync(Hash, CancellationToken.None));

        Assert.Equal((StatusCode.Unavailable, StatusCode.Unavailable), (unknown.StatusCode, stale.StatusCode));
        Assert.Contains("could not be reached", stale.Status.Detail);

        await _endpoint.StartAgainAsync();
        Assert.Equal("prod-eu-1", (await cache.ResolveAsync(Hash, CancellationToken.None))?.AgentName);
    }

    [Theory]
    [InlineData(200, "<html>maintenance</html>", "answered 200 with a body that is not")]
    [InlineData(200, """{"agent": "Not An Agent Name"}""", "answered 200 with a body that is not")]
    [InlineData(200, """{"agent": "prod-eu-1", "expires_at": "next tuesday"}""", "answered 200 with a body that is not")]
    [InlineData(500, "oops", "answered 500")]
    [InlineData(401, "", "answered 401")]
    public async Task Garbage_from_the_endpoint_is_a_failure_to_retry_never_an_answer_and_is_not_remembered(int status, string body, string reason)
    {
        _endpoint.Vouch(Token, "prod-eu-1");
        _endpoint.Garbage = (status, body);
        var cache = Cache();

        var failure = await Assert.ThrowsAsync<RpcException>(async () => await cache.ResolveAsync(Hash, CancellationToken.None));
        _endpoint.Garbage = null;

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains(reason, failure.Status.Detail);
        Assert.Equal("prod-eu-1", (await cache.ResolveAsync(Hash, CancellationToken.None))?.AgentName);
    }

    [Fact]
    public async Task Unknown_tokens_beyond_the_concurrency_limit_are_told_to_retry_at_once_instead_of_queueing()
    {
        _endpoint.Delay = TimeSpan.FromSeconds(30);
        var authority = Authority(TimeSpan.FromSeconds(20), maxConcurrent: 2);
        var waiting = new[] { authority.ResolveAsync("hash-a"), authority.ResolveAsync("hash-b") };
        await Eventually.HoldsAsync(() => _endpoint.Waiting == 2, TimeSpan.FromSeconds(20), "two checks waiting at the endpoint");

        var third = await Assert.ThrowsAsync<RpcException>(() => authority.ResolveAsync("hash-c"));

        Assert.Equal(StatusCode.Unavailable, third.StatusCode);
        Assert.Contains("has 2 checks in flight already", third.Status.Detail);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        await _endpoint.StopAsync();
        await Task.WhenAll(waiting.Select(w => Assert.ThrowsAsync<RpcException>(() => w)));
    }

    [Theory]
    [InlineData("http://main-app.example.com/tokens", "", "Url must be an https:// URL")]
    [InlineData("/tokens", "", "Url must be an https:// URL")]
    [InlineData("https://main-app.example.com/tokens", "/no/such/credential", "CredentialFile /no/such/credential does not exist")]
    public void Options_that_cannot_work_are_refused_at_start_naming_the_key(string url, string credentialFile, string problem)
    {
        var result = new TokenAuthorityOptionsValidator().Validate(null, new TokenAuthorityOptions { Url = url, CredentialFile = credentialFile });

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage);
        Assert.True(new TokenAuthorityOptionsValidator().Validate(null, new TokenAuthorityOptions()).Succeeded);
        Assert.True(new TokenAuthorityOptionsValidator().Validate(null, new TokenAuthorityOptions { Url = "http://127.0.0.1:9/t" }).Succeeded);
    }

    private AgentTokenCache Cache(TimeSpan? timeout = null) =>
        new(_grains.Factory, Options.Create(_cacheOptions), _clock, NullLogger<AgentTokenCache>.Instance, Authority(timeout ?? TimeSpan.FromSeconds(10)));

    private MainAppTokenAuthority Authority(TimeSpan timeout, int maxConcurrent = 32)
    {
        var authority = new MainAppTokenAuthority(
            Options.Create(new TokenAuthorityOptions { Url = _endpoint.Url.ToString(), CredentialFile = _credentialFile, Timeout = timeout, MaxConcurrentRequests = maxConcurrent }),
            _grains.Factory, TimeProvider.System, NullLogger<MainAppTokenAuthority>.Instance);
        _authorities.Add(authority);
        return authority;
    }
}
