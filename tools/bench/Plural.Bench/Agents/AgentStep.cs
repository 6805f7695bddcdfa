using Plural.Bench.Load;

namespace Plural.Bench.Agents;

/// <summary>What was measured once the ramp reached a number of connected light agents.</summary>
/// <param name="Agents">Light agents connected.</param>
/// <param name="ConnectRate">Agents per second while this step's agents dialled (session welcomed, tunnels announced).</param>
/// <param name="DialRetries">Agents of this step whose first connection attempt failed.</param>
/// <param name="GatewayRss">Gateway resident memory after the settle time.</param>
/// <param name="SiloRss">Silo resident memory after the settle time.</param>
/// <param name="GatewayIdleCpu">Gateway CPU while the agents idled, as a share of one core.</param>
/// <param name="SiloIdleCpu">Silo CPU while the agents idled, as a share of one core.</param>
/// <param name="BenchRss">Resident memory of the bench process, which hosts the light agents.</param>
/// <param name="Requests">Requests to random agents at this step.</param>
/// <param name="ConnectedPerApi">Agents ServerApi reported connected after the requests.</param>
/// <param name="TunnelFailures">Tunnel streams that broke or failed to open so far, over all agents.</param>
/// <param name="FailureReasons">The most common last failure reasons of those streams, with counts.</param>
public sealed record AgentStep(int Agents, double ConnectRate, int DialRetries, long GatewayRss, long SiloRss,
    double GatewayIdleCpu, double SiloIdleCpu, long BenchRss, LoadResult? Requests, int ConnectedPerApi, int TunnelFailures, string FailureReasons);
