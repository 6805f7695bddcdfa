namespace Plural.Gateway.Cable;

/// <summary>
/// Resumes a subscriber of a topic numbered by the log whose <c>since</c> is older than this gateway's buffer (it was
/// on another gateway, or this topic is new): reads what it missed from the log, oldest first, until the topic's
/// buffer takes over, then attaches it. The subscription is not attached while the log is read, so live messages
/// cannot overtake replayed ones; messages both read and buffered are sent once.
/// </summary>
internal static class CableLogCatchUp
{
    private const int Batch = 200;

    // A subscriber further behind than this many pages is further behind than the log keeps anyway.
    private const int MaxReads = 20;

    public static async Task<ReplayResult> RunAsync(ICableLogChannel channel, CableSubscription subscription, long since, CancellationToken ct)
    {
        var topic = subscription.Topic;
        var position = since;
        var replayed = 0;
        for (var reads = 0; reads <= MaxReads; reads++)
        {
            var attached = topic.AttachAfter(subscription, position);
            if (attached.Resumed)
            {
                return attached with { Replayed = replayed + attached.Replayed };
            }

            CableLogRead read;
            try
            {
                read = await channel.ReadAsync(topic.Key.Key, position, Batch, TimeSpan.Zero, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new ReplayResult(false, replayed, $"the platform's event log could not be read ({ex.GetType().Name})");
            }

            if (!read.Complete)
            {
                return new ReplayResult(false, replayed, read.GapReason(position));
            }

            if (read.Messages.Count == 0)
            {
                break; // The topic restarted past the log's newest position while it was read.
            }

            foreach (var message in read.Messages)
            {
                subscription.Deliver(message);
                replayed++;
                position = message.Sequence;
            }
        }

        return new ReplayResult(false, replayed, "the platform's event log moved on while it was read");
    }
}
