using System.Diagnostics.Metrics;

namespace Plural.AgentK.Observability;

/// <summary>
/// The agent's own gauges on its <c>/metrics</c>: whether it holds a session, and its tunnels by state. Read from
/// <see cref="AgentStatus"/> at each scrape.
/// </summary>
internal sealed class AgentMeter : IDisposable
{
    /// <summary>The meter's name, for the exporter's <c>AddMeter</c>.</summary>
    public const string Name = "Plural.AgentK";

    private readonly Meter _meter = new(Name);

    public AgentMeter(AgentStatus status)
    {
        _meter.CreateObservableGauge("plural_agent_connected", () => status.IsConnected ? 1 : 0,
            description: "1 while the agent holds a session with a gateway, else 0.");
        _meter.CreateObservableGauge("plural_agent_tunnels", () =>
        {
            var snapshot = status.Snapshot();
            return new[]
            {
                new Measurement<int>(snapshot.IdleTunnels, new KeyValuePair<string, object?>("state", "idle")),
                new Measurement<int>(snapshot.ActiveTunnels, new KeyValuePair<string, object?>("state", "active")),
            };
        }, description: "Tunnel streams open to gateways, by state.");
    }

    public void Dispose() => _meter.Dispose();
}
