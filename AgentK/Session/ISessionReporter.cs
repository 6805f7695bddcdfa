namespace Plural.AgentK.Session;

/// <summary>
/// Sends reports (events, views) up an established session. Runs once per session, and only when the gateway
/// accepted <see cref="Capability"/> in its welcome.
/// </summary>
internal interface ISessionReporter
{
    /// <summary>The capability declared in <c>hello</c>; null when the feature is turned off.</summary>
    string? Capability { get; }

    /// <summary>Runs until <paramref name="sessionEnded"/> is cancelled; throws when a write fails.</summary>
    Task RunAsync(SessionWriter session, CancellationToken sessionEnded);
}
