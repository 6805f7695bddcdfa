using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Plural.AgentK.Observability;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;
using Plural.AgentK.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Connection;

/// <summary>
/// One HTTP/2 connection to a gateway with its session and tunnel pool. When the session ends the
/// pool stops opening streams; the connection lives on until its in-flight requests finish.
/// </summary>
internal sealed class GatewayConnection(
    GrpcChannel channel,
    AgentSession session,
    TunnelPoolFactory pools,
    AgentStatus status,
    FailureState failures,
    ILogger logger)
{
    private readonly TunnelPool _pool = pools.Create(new AgentGateway.AgentGatewayClient(channel));

    /// <summary>Runs the session; returns once it ended, with the pool no longer opening streams.</summary>
    public async Task<SessionOutcome> RunAsync(CancellationToken stopping)
    {
        var welcomed = false;
        try
        {
            return await session.RunAsync(_pool.Client, welcome =>
            {
                welcomed = true;
                failures.Recovered();
                status.Connected(welcome.GatewayId, welcome.AgentId);
                SessionLog.Connected(logger, welcome.GatewayId, welcome.AgentId);
                _pool.Start(onDemand: welcome.AcceptedCapabilities.Contains(TunnelsWanted.OnDemandCapability));
            }, _pool.Counts, _pool.Want, stopping);
        }
        finally
        {
            if (welcomed)
            {
                status.Disconnected();
            }

            _pool.StopOpening();
        }
    }

    /// <summary>Completes when the last in-flight request of this connection is done; then closes the connection.</summary>
    public async Task DrainAsync()
    {
        await _pool.Drained;
        channel.Dispose();
    }

    /// <summary>Cuts in-flight requests (the shutdown grace period is over).</summary>
    public void Abort() => _pool.Abort();
}
