using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Agents;

/// <summary>How often an agent token may open a session. Section <c>Gateway:Limits</c>; every limit is per gateway process.</summary>
internal sealed class AgentLimitOptions
{
    /// <summary>Configuration section name, shared by the limits of every room.</summary>
    public const string Section = "Gateway:Limits";

    /// <summary>Agent session attempts (connections) one agent token may make per minute (ResourceExhausted beyond).</summary>
    [Range(1, 100_000)] public int MaxSessionsPerTokenPerMinute { get; set; } = 60;
}
