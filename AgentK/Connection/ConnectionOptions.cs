namespace Plural.AgentK.Connection;

/// <summary>
/// How the agent leaves its gateway connections on stop, and when the certificates of the connection are reported as
/// expiring. Bound from the top of the <c>Agent</c> section.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent";

    /// <summary>How long in-flight requests may run after a stop signal before they are cut.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long before the gateway's certificate or a certificate of <c>Agent:GatewayCaFile</c> expires the agent's
    /// <c>certificates</c> condition turns not ok.
    /// </summary>
    public TimeSpan CertificateExpiryWarning { get; set; } = TimeSpan.FromDays(14);
}
