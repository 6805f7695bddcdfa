namespace Plural.Gateway.Operations;

/// <summary>How a gateway hands its agents over when it stops, and how long agent connections live. Section <c>Gateway:Drain</c>.</summary>
internal sealed class DrainOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Drain";

    /// <summary>
    /// Time between turning not-ready and telling agents to move, so that load balancers stop sending new
    /// connections here first. Tunnels of connected agents are still accepted meanwhile.
    /// </summary>
    public TimeSpan ReadinessDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Agents and <c>/cable</c> clients are told to reconnect after a random delay up to this, so they do not all
    /// dial at once.
    /// </summary>
    public TimeSpan ReconnectSpread { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for in-flight requests and agent sessions to finish before the rest is cut.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An agent connection older than this is asked to reconnect, so agents spread onto new gateways. Zero turns it off.</summary>
    public TimeSpan MaxConnectionAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Each connection's age limit varies by up to this fraction (0 to 1), so a fleet does not move at once.</summary>
    public double MaxConnectionAgeJitter { get; set; } = 0.1;
}
