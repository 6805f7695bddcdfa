using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Grains.Agents;
using Plural.Protocol.Server;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Streams one agent's cluster events from its <see cref="IAgentEventLogGrain"/>: from the next event, or resumed
/// after a position the caller saw. Pull-based, so a slow caller only falls behind in the log and never grows
/// memory here; one that falls more than <see cref="IAgentEventLogGrain.Capacity"/> events behind sees a gap in positions.
/// </summary>
internal sealed partial class ResumableEventWatcher(IGrainFactory grains, ILogger<ResumableEventWatcher> logger)
{
    private const int Batch = 200;

    // Well below the gateway's Orleans response timeout (10 s): an idle watch is a loop of long polls.
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(4);

    /// <summary>Writes events of <paramref name="request"/>'s agent to <paramref name="responses"/> until the call ends.</summary>
    public async Task WatchAsync(WatchClusterEventsRequest request, IServerStreamWriter<ClusterEventInfo> responses, ServerCallContext context)
    {
        if (request.AfterPosition < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "after_position: must not be negative"));
        }

        var log = grains.GetGrain<IAgentEventLogGrain>(request.Name);
        var last = await log.LastPosition();
        if (request.AfterPosition > last)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"after_position: beyond the newest event ({last})"));
        }

        var position = request.AfterPosition > 0 ? request.AfterPosition : last;
        var ct = context.CancellationToken;
        try
        {
            // Headers tell the caller the watch is in place: events from here on will arrive.
            await context.WriteResponseHeadersAsync([]);
            var failures = 0;
            while (!ct.IsCancellationRequested)
            {
                ClusterEventPage page;
                try
                {
                    page = await log.ReadPage(position, Batch, PollWait).WaitAsync(ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // A silo too busy to answer, or gone with the log's activation: the position is kept and the log
                    // is stored, so the next poll (on a fresh activation if need be) loses nothing.
                    var delay = EventLogBackoff.Delay(++failures);
                    LogReadFailed(logger, request.Name, position, delay.TotalMilliseconds, ex);
                    await Task.Delay(delay, ct);
                    continue;
                }

                failures = 0;

                if (!page.Complete && page.CompleteAfter > position)
                {
                    // Never silence: the caller learns that events may be missing, and from where the log vouches again.
                    await responses.WriteAsync(Gap(request.Name, position, page.CompleteAfter), ct);
                    position = page.CompleteAfter;
                }
                else if (!page.Complete && page.Events.Count == 0)
                {
                    // A log that numbers below the position asked for (a new activation on a clock that went back)
                    // answers at once: wait as a long poll would rather than spin on it.
                    await Task.Delay(PollWait, ct);
                }

                foreach (var item in page.Events)
                {
                    await responses.WriteAsync(ToProto(item), ct);
                    position = item.Position;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller ended the watch.
        }
    }

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "Could not read the event log of agent {Agent} after {Position}; reading again in {DelayMs} ms")]
    private static partial void LogReadFailed(ILogger logger, string agent, long position, double delayMs, Exception exception);

    private static ClusterEventInfo Gap(string agent, long after, long resumeAfter) => new()
    {
        Agent = agent,
        Position = resumeAfter,
        Gap = new ClusterEventGap
        {
            AfterPosition = after,
            Reason = $"the platform no longer holds the events after {after} (more than {IAgentEventLogGrain.Capacity} passed, " +
                "or the log's storage was lost)",
        },
    };

    private static ClusterEventInfo ToProto(LoggedClusterEvent logged)
    {
        var e = logged.Event;
        return new ClusterEventInfo
        {
            Agent = e.AgentId,
            Sequence = e.Sequence,
            Type = e.Type,
            Kind = e.Kind,
            Namespace = e.Namespace,
            Name = e.Name,
            ResourceVersion = e.ResourceVersion,
            Summary = e.Summary,
            ObservedAt = Timestamp.FromDateTimeOffset(e.Timestamp),
            Position = logged.Position,
        };
    }
}
