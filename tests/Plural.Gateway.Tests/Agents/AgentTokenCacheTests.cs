using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Plural.Gateway.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Agents;

public sealed class AgentTokenCacheTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorageAsDefault()
            .AddIncomingGrainCallFilter<SlowTokenGrainFilter>());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        SlowTokenGrainFilter.Delay = TimeSpan.Zero;
        await _cluster.DisposeAsync();
    }

    private AgentTokenCache Cache(AgentAuthOptions options, TimeProvider? clock = null) =>
        new(_cluster.Client, Options.Create(options), clock ?? TimeProvider.System, NullLogger<AgentTokenCache>.Instance);

    private async Task<string> BoundHashAsync(string agent)
    {
        var hash = AgentTokenHash.Compute(Guid.NewGuid().ToString());
        await _cluster.Client.GetGrain<IAgentTokenGrain>(hash).Bind(new TokenBinding(agent, "t1"));
        return hash;
    }

    [Fact]
    public async Task Known_token_is_answered_at_once_while_a_slow_grain_refreshes_it()
    {
        var hash = await BoundHashAsync("fast-path");
        var cache = Cache(new AgentAuthOptions { RefreshAfter = TimeSpan.Zero });
        Assert.NotNull(await cache.ResolveAsync(hash, CancellationToken.None));
        SlowTokenGrainFilter.Delay = TimeSpan.FromSeconds(5);

        var clock = Stopwatch.StartNew();
        var answers = new List<TokenBinding?>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await cache.ResolveAsync(hash, CancellationToken.None));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"20 resolutions took {clock.Elapsed}");
        Assert.All(answers, a => Assert.Equal("fast-path", a!.AgentName));
    }

    [Fact]
    public async Task Revocation_is_seen_after_the_background_refresh()
    {
        var hash = await BoundHashAsync("revoked-later");
        var clock = new ManualClock();
        var cache = Cache(new AgentAuthOptions { RefreshAfter = TimeSpan.FromSeconds(10) }, clock);
        Assert.True((await cache.ResolveAsync(hash, CancellationToken.None))!.IsActive);
        await _cluster.Client.GetGrain<IAgentTokenGrain>(hash).Revoke(DateTimeOffset.UtcNow);

        Assert.True((await cache.ResolveAsync(hash, CancellationToken.None))!.IsActive);
        clock.Advance(TimeSpan.FromSeconds(11));
        await cache.ResolveAsync(hash, CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await cache.ResolveAsync(hash, CancellationToken.None))!.IsActive)
        {
            Assert.True(DateTime.UtcNow < deadline, "the revocation never reached the cache");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Unknown_token_is_remembered_as_unknown_for_the_negative_ttl()
    {
        var hash = AgentTokenHash.Compute("unknown-" + Guid.NewGuid());
        var clock = new ManualClock();
        var cache = Cache(new AgentAuthOptions { NegativeTtl = TimeSpan.FromSeconds(5) }, clock);
        Assert.Null(await cache.ResolveAsync(hash, CancellationToken.None));
        await _cluster.Client.GetGrain<IAgentTokenGrain>(hash).Bind(new TokenBinding("late", "t1"));

        Assert.Null(await cache.ResolveAsync(hash, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("late", (await cache.ResolveAsync(hash, CancellationToken.None))!.AgentName);
    }

    [Fact]
    public async Task Concurrent_misses_for_one_token_make_one_grain_call_and_all_get_the_answer()
    {
        var hash = await BoundHashAsync("shared-miss");
        var cache = Cache(new AgentAuthOptions());
        SlowTokenGrainFilter.Delay = TimeSpan.FromMilliseconds(300);

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cache.ResolveAsync(hash, CancellationToken.None).AsTask()));

        // Fifty serial calls through a single-threaded grain would take 15 s; a shared call takes one delay.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.All(answers, a => Assert.Equal("shared-miss", a!.AgentName));
    }
}
