using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Leadership;

internal static partial class LeadershipLog
{
    [LoggerMessage(400, LogLevel.Information, "Leader election on Lease {Lease} as {Identity}: duration {LeaseDurationSeconds} s, renew deadline {RenewDeadlineSeconds} s, retry {RetryPeriodSeconds} s")]
    public static partial void Started(ILogger logger, string lease, string identity, double leaseDurationSeconds, double renewDeadlineSeconds, double retryPeriodSeconds);

    [LoggerMessage(401, LogLevel.Information, "Became the leader on Lease {Lease} (term {Term})")]
    public static partial void Acquired(ILogger logger, string lease, long term);

    [LoggerMessage(402, LogLevel.Warning, "Stopped leading on Lease {Lease} (term {Term}): {Reason}")]
    public static partial void Lost(ILogger logger, string lease, long term, string reason);

    [LoggerMessage(403, LogLevel.Information, "Lease {Lease} is held by {Holder}")]
    public static partial void HeldBy(ILogger logger, string lease, string holder);

    [LoggerMessage(404, LogLevel.Warning, "Could not read or write Lease {Lease}: {Reason}")]
    public static partial void Failed(ILogger logger, string lease, string reason);

    [LoggerMessage(405, LogLevel.Information, "Released Lease {Lease} on stop")]
    public static partial void Released(ILogger logger, string lease);
}
