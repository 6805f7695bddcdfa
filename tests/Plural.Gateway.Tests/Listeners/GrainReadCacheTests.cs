using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Tests.Listeners;

/// <summary>
/// The cache between a proxied request and the grains that know its facts: what a request gets while a grain hangs
/// because its silo died, and how soon a changed fact wins once the grain answers again.
/// </summary>
public sealed class GrainReadCacheTests
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly GrainReadOptions _options = new() { CallTimeout = TimeSpan.FromSeconds(1), MaxStaleness = TimeSpan.FromSeconds(60) };
    private readonly GrainReadCache<string> _cache;

    public GrainReadCacheTests() => _cache = new GrainReadCache<string>("fact", logKeys: true, _options, _clock, NullLogger.Instance);

    [Fact]
    public async Task A_fact_whose_grain_hangs_is_served_from_the_last_read_after_the_call_timeout_and_at_once_afterwards()
    {
        Assert.Equal("valid", await _cache.GetAsync("k", () => Task.FromResult("valid"), FreshFor, CancellationToken.None));
        _clock.Advance(FreshFor);
        var hung = new TaskCompletionSource<string>();

        var waiting = _cache.GetAsync("k", () => hung.Task, FreshFor, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        _clock.Advance(_options.CallTimeout);

        Assert.Equal("valid", await waiting);
        var next = _cache.GetAsync("k", () => hung.Task, FreshFor, CancellationToken.None);
        Assert.True(next.IsCompleted, "a fact whose last read failed is served without waiting again");
        Assert.Equal("valid", await next);
    }

    [Fact]
    public async Task A_changed_fact_wins_as_soon_as_the_grain_answers_again()
    {
        await _cache.GetAsync("k", () => Task.FromResult("valid"), FreshFor, CancellationToken.None);
        _clock.Advance(FreshFor);
        var hung = new TaskCompletionSource<string>();
        var stale = _cache.GetAsync("k", () => hung.Task, FreshFor, CancellationToken.None).AsTask();
        _clock.Advance(_options.CallTimeout);
        await stale;

        // The grain answers again, now with the revocation recorded while the stale fact served.
        Assert.Equal("valid", await _cache.GetAsync("k", () => Task.FromResult("revoked"), FreshFor, CancellationToken.None));
        await Task.Delay(100);

        Assert.Equal("revoked", await _cache.GetAsync("k", () => Task.FromResult("revoked"), FreshFor, CancellationToken.None));
    }

    [Fact]
    public async Task A_fact_never_read_is_read_once_more_and_then_refused_as_unavailable()
    {
        await AssertRefusedAfterTwoHungReadsAsync();
    }

    [Fact]
    public async Task A_fact_older_than_the_staleness_bound_is_never_served()
    {
        await _cache.GetAsync("k", () => Task.FromResult("valid"), FreshFor, CancellationToken.None);
        _clock.Advance(_options.MaxStaleness + TimeSpan.FromSeconds(1));

        await AssertRefusedAfterTwoHungReadsAsync();
    }

    [Fact]
    public async Task A_grain_exception_is_an_answer_and_passes_through()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _cache.GetAsync("k", () => Task.FromException<string>(new InvalidOperationException("no such thing")), FreshFor, CancellationToken.None));
    }

    /// <summary>A read of "k" whose grain hangs: tried twice, one timeout each, then refused.</summary>
    private async Task AssertRefusedAfterTwoHungReadsAsync()
    {
        var reads = 0;
        var hung = new TaskCompletionSource<string>();

        var waiting = _cache.GetAsync("k", () => { reads++; return hung.Task; }, FreshFor, CancellationToken.None).AsTask();
        _clock.Advance(_options.CallTimeout);
        for (var i = 0; i < 500 && reads < 2; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(2, reads);
        _clock.Advance(_options.CallTimeout);

        await Assert.ThrowsAsync<GrainReadUnavailableException>(() => waiting);
    }
}
