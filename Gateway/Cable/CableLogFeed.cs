namespace Plural.Gateway.Cable;

/// <summary>
/// Feeds a topic numbered by the log (<see cref="CableTopic.NumberedByLog"/>) with a loop of long polls on the
/// channel's log, instead of an Orleans stream subscription, so that every gateway publishes the same positions.
/// Starts at the log's last position. A failing read is retried with backoff from the same position, so nothing is
/// skipped; a range the log cannot vouch for (its silo went away) reaches subscribers as a <c>reset</c> and a
/// snapshot, never as silence. Disposing stops the loop.
/// </summary>
internal sealed partial class CableLogFeed : IAsyncDisposable
{
    private const int Batch = 200;

    // Well below the gateway's Orleans response timeout (10 s): an idle topic is a loop of long polls.
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly ICableLogChannel _channel;
    private readonly CableTopic _topic;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CableLogFeed(ICableLogChannel channel, CableTopic topic, long position, TimeProvider clock, ILogger logger)
    {
        _channel = channel;
        _topic = topic;
        _clock = clock;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(position, _stop.Token));
    }

    /// <summary>Numbers <paramref name="topic"/> from the log's last position and starts the loop.</summary>
    public static async Task<IAsyncDisposable> StartAsync(ICableLogChannel channel, CableTopic topic, TimeProvider clock,
        ILogger logger, CancellationToken ct)
    {
        var position = await channel.LastPositionAsync(topic.Key.Key, ct);
        topic.StartAt(position);
        return new CableLogFeed(channel, topic, position, clock, logger);
    }

    private async Task RunAsync(long position, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            CableLogRead read;
            try
            {
                read = await _channel.ReadAsync(_topic.Key.Key, position, Batch, PollWait, ct);
                failures = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = Backoff(++failures);
                LogReadFailed(_logger, _topic.Key.ToString(), position, delay.TotalMilliseconds, ex);
                try
                {
                    await Task.Delay(delay, _clock, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (!read.Complete)
            {
                var reason = read.GapReason(position);
                LogGap(_logger, _topic.Key.ToString(), position, read.CompleteAfter);
                position = read.CompleteAfter;
                _topic.Gap(position, [CableFrames.Reset(reason, position, _topic.Epoch), _channel.Snapshot(_topic.Key.Key, position)]);
            }

            foreach (var message in read.Messages)
            {
                _topic.PublishNumbered(message);
                position = message.Sequence;
            }
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 16)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Could not read the log of cable topic {Topic} after {Position}; retrying in {DelayMs} ms")]
    private static partial void LogReadFailed(ILogger logger, string topic, long position, double delayMs, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "The log of cable topic {Topic} lost what followed {Position}; subscribers are reset to {CompleteAfter}")]
    private static partial void LogGap(ILogger logger, string topic, long position, long completeAfter);
}
