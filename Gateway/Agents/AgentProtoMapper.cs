using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Proto = Plural.Protocol.Server;

namespace Plural.Gateway.Agents;

/// <summary>Maps grain records to <c>ServerApi</c> messages at the edge.</summary>
internal static class AgentProtoMapper
{
    public static Proto.Agent ToProto(AgentSnapshot snapshot)
    {
        var registration = snapshot.Registration;
        var agent = new Proto.Agent
        {
            Name = registration.Name,
            Description = registration.Description,
            CreatedAt = Timestamp.FromDateTimeOffset(registration.CreatedAt),
            Status = ToProto(snapshot.Status),
        };
        foreach (var (key, value) in registration.Labels)
        {
            agent.Labels[key] = value;
        }

        agent.Tokens.AddRange(snapshot.Tokens.Select(ToProto));
        return agent;
    }

    /// <summary>
    /// An agent as listings show it: no tokens, and connections without tunnel counts or lease expiry, which only
    /// <c>GetAgent</c> reads live from the agent's grain.
    /// </summary>
    public static Proto.Agent ToProto(AgentListing listing)
    {
        var agent = new Proto.Agent
        {
            Name = listing.Name,
            Description = listing.Description,
            CreatedAt = Timestamp.FromDateTimeOffset(listing.CreatedAt),
            Status = new Proto.AgentStatus
            {
                Connected = listing.Connected,
                Since = listing.Since is { } since ? Timestamp.FromDateTimeOffset(since) : null,
                LastSeen = listing.LastSeen is { } seen ? Timestamp.FromDateTimeOffset(seen) : null,
                LeaderInstanceId = listing.LeaderInstanceId ?? "",
                Replicas = listing.Replicas,
            },
        };
        agent.Status.Connections.AddRange(listing.Connections.Select(c => new Proto.AgentConnection
        {
            GatewayId = c.GatewayId,
            InstanceId = c.InstanceId,
            AgentVersion = c.AgentVersion,
            ConnectedAt = Timestamp.FromDateTimeOffset(c.ConnectedAt),
            Leader = c.Leader,
            Conditions = { ToProto(c.Conditions) },
        }));
        foreach (var (key, value) in listing.Labels)
        {
            agent.Labels[key] = value;
        }

        return agent;
    }

    private static Proto.AgentStatus ToProto(AgentConnectionStatus status)
    {
        var proto = new Proto.AgentStatus { Connected = status.Connected, LeaderInstanceId = status.LeaderInstanceId ?? "", Replicas = status.Replicas };
        if (status.Since is { } since)
        {
            proto.Since = Timestamp.FromDateTimeOffset(since);
        }

        if (status.LastSeen is { } lastSeen)
        {
            proto.LastSeen = Timestamp.FromDateTimeOffset(lastSeen);
        }

        proto.Connections.AddRange(status.Leases.Select(l => new Proto.AgentConnection
        {
            GatewayId = l.GatewayId,
            InstanceId = l.InstanceId,
            AgentVersion = l.AgentVersion,
            ConnectedAt = Timestamp.FromDateTimeOffset(l.ConnectedAt),
            IdleTunnels = l.IdleTunnels,
            ActiveTunnels = l.ActiveTunnels,
            LeaseExpiresAt = Timestamp.FromDateTimeOffset(l.ExpiresAt),
            Leader = l.Leader,
            Conditions = { ToProto(l.Conditions) },
        }));
        return proto;
    }

    private static IEnumerable<Proto.AgentCondition> ToProto(IReadOnlyList<AgentHealthCondition>? conditions) =>
        (conditions ?? []).Select(c => new Proto.AgentCondition { Type = c.Type, Ok = c.Ok, Message = c.Message });

    /// <summary>A newly issued token as the caller sees it, secret included (the only time it is shown).</summary>
    public static Proto.IssuedToken ToIssued(AgentTokenRecord token, string secret)
    {
        var issued = new Proto.IssuedToken { TokenId = token.TokenId, Token = secret };
        if (token.ExpiresAt is { } expires)
        {
            issued.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        }

        return issued;
    }

    /// <summary>
    /// The lifetime a request asks for: null when unset, else a positive duration; anything else is
    /// <c>InvalidArgument</c> naming <paramref name="field"/>.
    /// </summary>
    public static TimeSpan? TimeToLive(Duration? ttl, string field)
    {
        if (ttl is null)
        {
            return null;
        }

        if (ttl.Seconds < 0 || ttl.Nanos < 0 || (ttl.Seconds == 0 && ttl.Nanos == 0) || ttl.Seconds > (long)TimeSpan.FromDays(36_500).TotalSeconds)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: must be positive and at most 100 years"));
        }

        return ttl.ToTimeSpan();
    }

    private static Proto.AgentTokenInfo ToProto(AgentTokenRecord token)
    {
        var proto = new Proto.AgentTokenInfo
        {
            TokenId = token.TokenId,
            Description = token.Description,
            CreatedAt = Timestamp.FromDateTimeOffset(token.CreatedAt),
        };
        if (token.RevokedAt is { } revoked)
        {
            proto.RevokedAt = Timestamp.FromDateTimeOffset(revoked);
        }

        if (token.ExpiresAt is { } expires)
        {
            proto.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        }

        return proto;
    }
}
