using Grpc.Core;
using Plural.Grains.Tokens;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Agents;

/// <summary>Turns the bearer token of an agent call into an <see cref="AgentIdentity"/>, or a typed gRPC error.</summary>
internal sealed partial class AgentAuthenticator(
    AgentTokenCache tokens,
    AuthFailureLimiter limiter,
    TimeProvider clock,
    ILogger<AgentAuthenticator> logger)
{
    // Real tokens are ~55 characters; anything far longer is not worth hashing.
    private const int MaxTokenLength = 512;

    /// <summary>Authenticates the call or throws <see cref="RpcException"/> (Unauthenticated or ResourceExhausted).</summary>
    public async Task<AgentIdentity> AuthenticateAsync(ServerCallContext context)
    {
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        var header = context.RequestHeaders.GetValue("authorization");
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;
        if (token is null)
        {
            throw Refuse(remote, "missing bearer token in the authorization header");
        }

        if (token.Length is 0 or > MaxTokenLength)
        {
            throw Refuse(remote, "malformed agent token");
        }

        var hash = AgentTokenHash.Compute(token);
        // Agents behind one NAT share an address: a token already known to be good is never held
        // back by a neighbour's failures. The limit protects the grains from guessing, nothing else.
        if (tokens.TryGetKnownActive(hash) is null && limiter.IsBlocked(remote))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                "too many failed authentication attempts from this address; retry in a minute"));
        }

        var binding = await tokens.ResolveAsync(hash, context.CancellationToken);
        if (binding is null)
        {
            throw Refuse(remote, "agent token is not recognised");
        }

        if (!binding.IsActive)
        {
            throw Refuse(remote, "agent token was revoked");
        }

        if (binding.IsExpiredAt(clock.GetUtcNow()))
        {
            throw Refuse(remote, "agent token expired");
        }

        return new AgentIdentity(binding.AgentName, binding.TokenId, hash, binding.ExpiresAt);
    }

    private RpcException Refuse(System.Net.IPAddress? remote, string reason)
    {
        limiter.RecordFailure(remote);
        LogRefused(logger, remote?.ToString() ?? "unknown", reason);
        return new RpcException(new Status(StatusCode.Unauthenticated, reason));
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Refused agent connection from {RemoteAddress}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, string reason);
}
