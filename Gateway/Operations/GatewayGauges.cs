using System.Diagnostics.Metrics;
using Plural.Gateway.Agents;
using Plural.Gateway.Cable;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Operations;

/// <summary>The gateway's gauges, on the meter of <see cref="GatewayMetrics"/>: they read the registries when scraped.</summary>
internal sealed class GatewayGauges
{
    /// <summary>Creates the gauges.</summary>
    public GatewayGauges(IMeterFactory meters, SessionRegistry sessions, TunnelRegistry tunnels, CableHub cable,
        InFlightRequests inFlight, GatewayDrain drain)
    {
        var meter = meters.Create(GatewayMetrics.MeterName);
        meter.CreateObservableGauge(GatewayMetrics.AgentsConnected, () => sessions.All.Count, description: "Agent sessions open on this gateway.");
        meter.CreateObservableGauge(GatewayMetrics.TunnelsIdle, () => sessions.All.Sum(s => tunnels.IdleCount(s.Identity.AgentName, s.InstanceId)),
            description: "Idle tunnel streams parked on this gateway.");
        meter.CreateObservableGauge(GatewayMetrics.CableConnections, () => cable.ConnectionCount, description: "Open /cable connections.");
        meter.CreateObservableGauge(GatewayMetrics.CableTopics, () => cable.TopicCount, description: "Agent topics with a stream subscription on this gateway.");
        meter.CreateObservableGauge(GatewayMetrics.RequestsInFlight, () => inFlight.Count, description: "Requests being served.");
        meter.CreateObservableGauge(GatewayMetrics.Draining, () => drain.IsDraining ? 1 : 0, description: "1 while the gateway drains.");
    }
}
