namespace Plural.AgentK.Session;

/// <summary>How a session ended, and so what the connection loop does next.</summary>
internal sealed record SessionOutcome(SessionEnd End, TimeSpan Healthy, Exception? Failure = null, string? Reason = null, TimeSpan Delay = default)
{
    public static SessionOutcome Stopped(TimeSpan healthy) => new(SessionEnd.Stopped, healthy);

    public static SessionOutcome Failed(Exception failure, TimeSpan healthy) => new(SessionEnd.Failed, healthy, failure);

    public static SessionOutcome Reconnect(string reason, TimeSpan delay, TimeSpan healthy) => new(SessionEnd.Reconnect, healthy, Reason: reason, Delay: delay);
}
