namespace Plural.AgentK.Observability;

/// <summary>The agent's own health and status listener. Bound from the top of the <c>Agent</c> section.</summary>
internal sealed class ObservabilityOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent";

    /// <summary>Listener for <c>/healthz</c>, <c>/readyz</c> and <c>/status</c>; empty disables it.</summary>
    public string ObservabilityUrl { get; set; } = "http://0.0.0.0:8080";
}
