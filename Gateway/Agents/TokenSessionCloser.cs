using Grpc.Core;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Agents;

/// <summary>
/// Ends what one agent token opened on this gateway, its sessions and idle tunnels, when the token is revoked
/// (told by the agent grain or a refused lease renewal) or expires.
/// </summary>
internal sealed partial class TokenSessionCloser(
    SessionRegistry sessions,
    TunnelRegistry tunnels,
    AgentTokenCache tokens,
    TimeProvider clock,
    ILogger<TokenSessionCloser> logger)
{
    /// <summary>The reason an agent sees when its token expired.</summary>
    public const string ExpiredReason = "agent token expired";

    /// <summary>The reason an agent sees when its token was revoked.</summary>
    public const string RevokedReason = "agent token was revoked";

    // A timer cannot wait longer than about 49 days; a token expiring later is caught by a lease renewal instead.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(30);

    /// <summary>Closes every session and idle tunnel of the token with <paramref name="status"/>.</summary>
    public void Close(string agentName, string tokenId, string tokenHash, Status status)
    {
        tokens.Invalidate(tokenHash);
        tunnels.RetireByToken(agentName, tokenId, new RpcException(status));
        foreach (var session in sessions.Of(agentName).Where(s => s.Identity.TokenId == tokenId))
        {
            LogSessionClosed(logger, agentName, session.InstanceId, status.Detail);
            session.Close(status);
        }
    }

    /// <summary>Closes the session's token at its expiry; dispose the result when the session ends. Null when there is nothing to wait for.</summary>
    public IDisposable? CloseAtExpiry(AgentSession session)
    {
        var identity = session.Identity;
        if (identity.ExpiresAt is not { } expiresAt || expiresAt - clock.GetUtcNow() is var due && due > LongestTimer)
        {
            return null;
        }

        return clock.CreateTimer(_ => Close(identity.AgentName, identity.TokenId, identity.TokenHash,
            new Status(StatusCode.Unauthenticated, ExpiredReason)), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Closing session {InstanceId} of agent {AgentName}: {Reason}")]
    private static partial void LogSessionClosed(ILogger logger, string agentName, string instanceId, string reason);
}
