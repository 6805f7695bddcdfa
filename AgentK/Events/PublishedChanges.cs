using Plural.Protocol.Agent;

namespace Plural.AgentK.Events;

/// <summary>
/// Decides which changes a new leader's standby queue holds that the platform already has. Within one kind an API
/// server hands out growing resourceVersions and a watch delivers them in order, so everything of a kind up to the
/// highest version the event log holds was published by the previous leader and everything above it was not. A kind
/// the log holds nothing of was not published since the log started; what this replica saw before then, the log could
/// not vouch for anyway.
/// </summary>
internal static class PublishedChanges
{
    /// <summary>
    /// The test for <see cref="ClusterEventQueue.Resume"/>. Without an answer from the gateway (an older gateway, or none
    /// in time) only what this replica observes as leader goes up: a change may be missed, none is sent twice.
    /// </summary>
    public static Func<ClusterEventRecord, bool> Test(PublishedVersions? answer, DateTimeOffset leadingSince)
    {
        if (answer is null)
        {
            return record => ObservedAt(record) < leadingSince;
        }

        var logStarted = answer.LogStartedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;
        return record => answer.ResourceVersions.TryGetValue(record.Kind, out var highest)
                         && Number(highest) is { } high && Number(record.ResourceVersion) is { } version
            ? version <= high
            : ObservedAt(record) <= logStarted;
    }

    private static DateTimeOffset ObservedAt(ClusterEventRecord record) =>
        record.ObservedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;

    private static ulong? Number(string resourceVersion) =>
        ulong.TryParse(resourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
}
