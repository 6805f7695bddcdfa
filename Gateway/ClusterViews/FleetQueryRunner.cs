using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Runs one cached query on many agents at once. The directory shards say which agents exist, carry which labels and
/// are connected (one call per shard, none per agent; the gateway's copy of them while they cannot answer); the queries
/// and their answers travel through the agents' tunnels, never through a grain.
/// </summary>
internal sealed partial class FleetQueryRunner(
    AgentDirectoryFallback directory,
    ClusterQueryClient queries,
    IOptions<ClusterQueryOptions> options,
    TimeProvider clock,
    ILogger<FleetQueryRunner> logger)
{
    /// <summary>
    /// Asks every connected agent that <paramref name="selector"/> matches; each has <paramref name="timeout"/> to
    /// answer, all asked together, so the whole call takes about that long at most.
    /// </summary>
    public async Task<FleetQueryOutcome> RunAsync(CacheQuery query, LabelSelector selector, TimeSpan timeout, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var (listings, staleAsOf) = await directory.AllAsync(selector, connectedOnly: true, ct);
        var agents = listings.Select(a => a.Name).ToList();
        var answers = new ConcurrentBag<FleetAnswer>();
        var timedOut = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<FleetFailure>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var turns = new SemaphoreSlim(options.Value.FleetConcurrency);

        await Task.WhenAll(agents.Select(async agent =>
        {
            try
            {
                await turns.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                timedOut.Add(agent);
                return;
            }

            try
            {
                var asked = clock.GetTimestamp();
                // The shared deadline bounds every agent; an agent's own timeout can only be shorter.
                var result = await queries.QueryAsync(agent, query, timeout, deadline.Token);
                answers.Add(new FleetAnswer(agent, result, clock.GetElapsedTime(asked)));
            }
            catch (ClusterQueryException failure) when (failure.Code == StatusCode.DeadlineExceeded)
            {
                timedOut.Add(agent);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                timedOut.Add(agent);
            }
            catch (ClusterQueryException failure)
            {
                failed.Add(new FleetFailure(agent, failure.Code, failure.Message));
            }
            finally
            {
                turns.Release();
            }
        }));

        ct.ThrowIfCancellationRequested();
        LogFleetQuery(logger, query.Kind, agents.Count, answers.Count, timedOut.Count, failed.Count, clock.GetElapsedTime(started).TotalMilliseconds);
        return new FleetQueryOutcome(
            [.. answers.OrderBy(a => a.AgentName, StringComparer.Ordinal)],
            [.. timedOut.Order(StringComparer.Ordinal)],
            [.. failed.OrderBy(f => f.AgentName, StringComparer.Ordinal)],
            staleAsOf);
    }

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information,
        Message = "Fleet query on {Kind}: {Agents} agents asked, {Answered} answered, {TimedOut} timed out, {Failed} failed in {ElapsedMs:F0} ms")]
    private static partial void LogFleetQuery(ILogger logger, string kind, int agents, int answered, int timedOut, int failed, double elapsedMs);
}
