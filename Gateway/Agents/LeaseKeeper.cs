using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;

namespace Plural.Gateway.Agents;

/// <summary>
/// Keeps the cluster's view of this gateway's agent connections fresh: renews every session's lease
/// periodically, and closes sessions whose token was revoked or whose agent was deleted, wherever
/// that happened.
/// </summary>
internal sealed partial class LeaseKeeper(
    SessionRegistry sessions,
    TunnelRegistry tunnels,
    TokenSessionCloser closer,
    IGrainFactory grains,
    GatewayIdentity gateway,
    IOptions<LeaseOptions> options,
    ILogger<LeaseKeeper> logger) : BackgroundService
{
    /// <summary>Renews one session's lease now; closes the session when the grain refuses.</summary>
    public async Task<LeaseDecision> RenewAsync(AgentSession session)
    {
        var identity = session.Identity;
        var renewal = new LeaseRenewal(gateway.Id, gateway.PrivateAddress, session.InstanceId, session.AgentVersion,
            identity.TokenId, session.ConnectedAt, tunnels.IdleCount(identity.AgentName, session.InstanceId),
            session.ActiveTunnels, options.Value.TimeToLive, session.Leader, session.Conditions);
        var decision = await grains.GetGrain<IAgentGrain>(identity.AgentName).RenewLease(renewal);
        if (decision != LeaseDecision.Accepted)
        {
            var reason = decision switch
            {
                LeaseDecision.TokenRevoked => TokenSessionCloser.RevokedReason,
                LeaseDecision.TokenExpired => TokenSessionCloser.ExpiredReason,
                _ => "agent is no longer registered",
            };
            var status = new Status(StatusCode.Unauthenticated, reason);
            LogSessionRefused(logger, identity.AgentName, reason);
            closer.Close(identity.AgentName, identity.TokenId, identity.TokenHash, status);
            // Not yet registered when its first renewal is refused; closed all the same.
            session.Close(status);
        }

        return decision;
    }

    /// <summary>Drops the lease of a session that ended.</summary>
    public async Task DropAsync(AgentSession session)
    {
        try
        {
            await grains.GetGrain<IAgentGrain>(session.Identity.AgentName).DropLease(gateway.Id, session.InstanceId);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself after its time to live.
            LogDropFailed(logger, session.Identity.AgentName, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Task.WhenAll(sessions.All.Select(RenewQuietlyAsync));
        }
    }

    private async Task RenewQuietlyAsync(AgentSession session)
    {
        try
        {
            await RenewAsync(session);
        }
        catch (Exception ex)
        {
            LogRenewFailed(logger, session.Identity.AgentName, ex);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Closing session of agent {AgentName}: {Reason}")]
    private static partial void LogSessionRefused(ILogger logger, string agentName, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not renew the lease of agent {AgentName}")]
    private static partial void LogRenewFailed(ILogger logger, string agentName, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Could not drop the lease of agent {AgentName}; it will lapse")]
    private static partial void LogDropFailed(ILogger logger, string agentName, Exception exception);
}
