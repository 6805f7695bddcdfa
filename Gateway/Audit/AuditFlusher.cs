using Microsoft.Extensions.Options;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Sends buffered audit events to each agent's <see cref="IAgentAuditGrain"/>, in calls of at most
/// <see cref="MaxBatch"/> events: every <see cref="AuditOptions.FlushInterval"/>, and at once whenever a quarter of
/// <see cref="AuditOptions.BufferCapacity"/> (at most <see cref="MaxBatch"/>) has come in since the last flush. A failed call loses that batch from the grain's copy only: every event was
/// already written to the log.
/// </summary>
internal sealed partial class AuditFlusher(AuditTrail trail, IGrainFactory grains, IOptions<AuditOptions> options,
    ILogger<AuditFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Most events in one grain call. The serializer keeps a map of every object of a message it writes; for thousands
    /// of events that map lands on the large-object heap and regrows for every message, which under load drove a
    /// background gen2 collection about once a second (tools/bench/gc-reasons).
    /// </summary>
    internal const int MaxBatch = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await trail.WaitForFlushAsync(options.Value.FlushInterval, stoppingToken);
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What the last requests before shutdown left behind, if the silo still answers promptly.
        try
        {
            await FlushAsync().WaitAsync(ShutdownFlushTimeout);
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task FlushAsync()
    {
        var byAgent = new Dictionary<string, List<AuditEvent>>(StringComparer.Ordinal);
        while (trail.Buffered.TryRead(out var e))
        {
            if (!byAgent.TryGetValue(e.Agent, out var list))
            {
                byAgent[e.Agent] = list = [];
            }

            list.Add(e);
        }

        await Task.WhenAll(byAgent.Select(async pair =>
        {
            var grain = grains.GetGrain<IAgentAuditGrain>(pair.Key);
            foreach (var batch in pair.Value.Chunk(MaxBatch))
            {
                try
                {
                    await grain.Append(batch);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogAppendFailed(logger, batch.Length, pair.Key, ex.Message);
                }
            }
        }));
    }

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Could not hand {Count} audit events of agent {AgentName} to the silo: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, int count, string agentName, string reason);
}
