namespace Plural.AgentK.Session;

/// <summary>
/// A capability declared in <c>hello</c> for work the gateway sends outside the session (a cached query), so no
/// reporter or command handler goes with it.
/// </summary>
internal interface ISessionCapability
{
    /// <summary>The capability; null when the feature is turned off.</summary>
    string? Capability { get; }
}
