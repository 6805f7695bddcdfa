using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Tests.Audit;

/// <summary>
/// The agents' audit grains get every event of a gateway under load: the buffer goes to them as soon as a quarter of
/// it has filled, not only at the flush interval, so a rate the buffer could not hold for a whole interval loses nothing.
/// The last events, fewer than a quarter, go at the next interval.
/// </summary>
public sealed class AuditFlushTests : IDisposable
{
    private readonly GrainStubs _grains = new GrainStubs().On<IAgentAuditGrain>(nameof(IAgentAuditGrain.Append), (_, _) => Task.CompletedTask);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<GatewayMetrics>().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Four_times_the_buffer_within_a_fraction_of_one_flush_interval_reaches_the_grains_whole_and_in_order()
    {
        var (trail, flusher) = Build(new AuditOptions { BufferCapacity = 400, FlushInterval = TimeSpan.FromSeconds(2) });
        using var _ = flusher;
        await flusher.StartAsync(CancellationToken.None);

        // 1,600 requests arriving over a fraction of the interval, as a loaded gateway sees them: without the flushes at a
        // quarter, the 400-event buffer would drop most of them before the interval came.
        for (var i = 0; i < 1600; i++)
        {
            trail.Record(AuditRecords.Exec(requestId: $"req-{i}"), keepPerAgent: true);
            if (i % 50 == 49)
            {
                await Task.Delay(5);
            }
        }

        var appended = await Eventually.UntilAsync(
            () => Task.FromResult(_grains.Calls.SelectMany(c => (IEnumerable<AuditEvent>)c.Args[0]!).Select(e => e.RequestId).ToList()),
            ids => ids.Count >= 1600, TimeSpan.FromSeconds(20), "every event at the audit grains");
        await flusher.StopAsync(CancellationToken.None);

        Assert.Equal(0, trail.Dropped);
        Assert.Equal(Enumerable.Range(0, 1600).Select(i => $"req-{i}"), appended);
        Assert.True(_grains.Calls.Count >= 4, $"{_grains.Calls.Count} flushes");
    }

    [Fact]
    public async Task An_agents_events_go_to_its_grain_in_calls_of_at_most_a_batch()
    {
        var (trail, flusher) = Build(new AuditOptions { BufferCapacity = 10_000, FlushInterval = TimeSpan.FromMilliseconds(200) });
        using var _ = flusher;

        // Recorded before the flusher runs: its first flush finds them all in the buffer at once.
        for (var i = 0; i < 1000; i++)
        {
            trail.Record(AuditRecords.Exec(requestId: $"req-{i}"), keepPerAgent: true);
        }

        await flusher.StartAsync(CancellationToken.None);
        var appended = await Eventually.UntilAsync(
            () => Task.FromResult(_grains.Calls.SelectMany(c => (IEnumerable<AuditEvent>)c.Args[0]!).Select(e => e.RequestId).ToList()),
            ids => ids.Count >= 1000, TimeSpan.FromSeconds(20), "every event at the audit grain");
        await flusher.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"req-{i}"), appended);
        Assert.All(_grains.Calls, c => Assert.InRange(((IReadOnlyCollection<AuditEvent>)c.Args[0]!).Count, 1, AuditFlusher.MaxBatch));
        Assert.Equal(4, _grains.Calls.Count);
    }

    private (AuditTrail Trail, AuditFlusher Flusher) Build(AuditOptions settings)
    {
        var metrics = _services.GetRequiredService<GatewayMetrics>();
        var options = Options.Create(settings);
        var trail = new AuditTrail(options, new AuditExportQueue(options, metrics), metrics, NullLogger<AuditTrail>.Instance);
        return (trail, new AuditFlusher(trail, _grains.Factory, options, NullLogger<AuditFlusher>.Instance));
    }
}
