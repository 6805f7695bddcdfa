using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Agents;

/// <summary>How old a cached token resolution may be before it is refreshed, and before it is not served at all.</summary>
public sealed class AgentTokenCacheStalenessTests
{
    private const string Hash = "hash-1";
    private static readonly TokenBinding Active = new("prod", "token-1");
    private readonly FakeTimeProvider _clock = new();
    private readonly GrainStubs _grains = new();
    private readonly AgentAuthOptions _options = new()
    {
        RefreshAfter = TimeSpan.FromSeconds(10),
        MaxStaleness = TimeSpan.FromMinutes(5),
        NegativeTtl = TimeSpan.FromSeconds(5),
    };

    private Func<Task<TokenBinding?>> _grain = () => Task.FromResult<TokenBinding?>(Active);

    public AgentTokenCacheStalenessTests() => _grains.On<IAgentTokenGrain>("Resolve", (_, _) => _grain());

    private int GrainCalls => _grains.Calls.Count;

    [Fact]
    public async Task A_fresh_resolution_is_served_from_memory()
    {
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal(Active, await cache.ResolveAsync(Hash, CancellationToken.None));
        Assert.Equal(1, GrainCalls);
    }

    [Fact]
    public async Task A_resolution_past_its_refresh_age_is_served_at_once_while_the_grain_is_asked_again()
    {
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);
        var slow = new TaskCompletionSource<TokenBinding?>();
        _grain = () => slow.Task;
        _clock.Advance(TimeSpan.FromSeconds(11));

        var served = cache.ResolveAsync(Hash, CancellationToken.None);

        Assert.True(served.IsCompleted);
        Assert.Equal(Active, await served);
        Assert.Equal(2, GrainCalls);
        slow.SetResult(Active with { RevokedAt = _clock.GetUtcNow() });
        Assert.False((await cache.ResolveAsync(Hash, CancellationToken.None))!.IsActive);
    }

    [Fact]
    public async Task A_resolution_past_its_max_staleness_is_not_served_the_caller_waits_for_the_grain()
    {
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);
        var revoked = Active with { RevokedAt = _clock.GetUtcNow() };
        _grain = () => Task.FromResult<TokenBinding?>(revoked);
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(revoked, await cache.ResolveAsync(Hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_refresh_keeps_the_cached_resolution_in_service()
    {
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);
        _grain = () => Task.FromException<TokenBinding?>(new TimeoutException("storage is slow"));
        _clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(Active, await cache.ResolveAsync(Hash, CancellationToken.None));
        Assert.Equal(Active, await cache.ResolveAsync(Hash, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_token_is_asked_again_after_the_negative_ttl()
    {
        _grain = () => Task.FromResult<TokenBinding?>(null);
        var cache = Cache();
        Assert.Null(await cache.ResolveAsync(Hash, CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await cache.ResolveAsync(Hash, CancellationToken.None));
        Assert.Equal(1, GrainCalls);

        _grain = () => Task.FromResult<TokenBinding?>(Active);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Active, await cache.ResolveAsync(Hash, CancellationToken.None));
    }

    [Fact]
    public async Task Known_active_is_answered_only_for_an_active_unexpired_and_not_too_stale_binding()
    {
        var cache = Cache();
        Assert.Null(cache.TryGetKnownActive(Hash));

        await cache.ResolveAsync(Hash, CancellationToken.None);
        Assert.Equal(Active, cache.TryGetKnownActive(Hash));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(cache.TryGetKnownActive(Hash));
        Assert.Equal(1, GrainCalls);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Known_active_is_never_a_revoked_or_expired_binding(bool revoked, bool expired)
    {
        var binding = Active with
        {
            RevokedAt = revoked ? _clock.GetUtcNow() : null,
            ExpiresAt = expired ? _clock.GetUtcNow() : null,
        };
        _grain = () => Task.FromResult<TokenBinding?>(binding);
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);

        Assert.Null(cache.TryGetKnownActive(Hash));
    }

    [Fact]
    public async Task An_invalidated_token_is_asked_again()
    {
        var cache = Cache();
        await cache.ResolveAsync(Hash, CancellationToken.None);

        cache.Invalidate(Hash);

        Assert.Null(cache.TryGetKnownActive(Hash));
        await cache.ResolveAsync(Hash, CancellationToken.None);
        Assert.Equal(2, GrainCalls);
    }

    private AgentTokenCache Cache() =>
        new(_grains.Factory, Options.Create(_options), _clock, NullLogger<AgentTokenCache>.Instance);
}
