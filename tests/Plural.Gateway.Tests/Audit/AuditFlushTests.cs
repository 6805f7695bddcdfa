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
/// </summary>
public sealed class AuditFlushTests
{
    [Fact]
    public async Task Four_times_the_buffer_within_one_flush_interval_reaches_the_grains_whole_and_in_order()
    {
        var grains = new GrainStubs().On<IAgentAuditGrain>(nameof(IAgentAuditGrain.Append), (_, _) => Task.CompletedTask);
        using var services = new ServiceCollection().AddMetrics().AddSingleton<GatewayMetrics>().BuildServiceProvider();
        var metrics = services.GetRequiredService<GatewayMetrics>();
        var options = Options.Create(new AuditOptions { BufferCapacity = 400, FlushInterval = TimeSpan.FromMinutes(1) });
        var trail = new AuditTrail(options, new AuditExportQueue(options, metrics), metrics, NullLogger<AuditTrail>.Instance);
        using var flusher = new AuditFlusher(trail, grains.Factory, options, NullLogger<AuditFlusher>.Instance);
        await flusher.StartAsync(CancellationToken.None);

        // 1,600 requests arriving over a fraction of the one-minute interval, as a loaded gateway sees them.
        for (var i = 0; i < 1600; i++)
        {
            trail.Record(AuditRecords.Exec(requestId: $"req-{i}"), keepPerAgent: true);
            if (i % 50 == 49)
            {
                await Task.Delay(5);
            }
        }

        var appended = await Eventually.UntilAsync(
            () => Task.FromResult(grains.Calls.SelectMany(c => (IEnumerable<AuditEvent>)c.Args[0]!).Select(e => e.RequestId).ToList()),
            ids => ids.Count >= 1600, TimeSpan.FromSeconds(20), "every event at the audit grains");
        await flusher.StopAsync(CancellationToken.None);

        Assert.Equal(0, trail.Dropped);
        Assert.Equal(Enumerable.Range(0, 1600).Select(i => $"req-{i}"), appended);
        Assert.True(grains.Calls.Count >= 4, $"{grains.Calls.Count} flushes");
    }
}
