using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Gateway.Listeners;
using Plural.Grains.Access;
using Plural.Protocol.Server;
using ClusterIdentityMode = Plural.Grains.Access.ClusterIdentityMode;

namespace Plural.Gateway.Access;

/// <summary>The <c>ServerApi</c> calls about user access: tokens for the Kubernetes proxy and each agent's identity policy.</summary>
internal sealed class AccessApi(UserTokenIssuer issuer, ClusterIdentity identities, KubeconfigBuilder kubeconfigs, IGrainFactory grains, AgentDirectory directory)
{
    /// <summary>Issues a user token with a kubeconfig that reaches the agents it grants through the Kubernetes proxy.</summary>
    public async Task<IssueUserTokenResponse> IssueUserTokenAsync(IssueUserTokenRequest request)
    {
        if (request.TtlSeconds < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ttl_seconds: must not be negative"));
        }

        try
        {
            var (grant, token) = await issuer.IssueAsync(
                request.User, request.Groups, request.Agents, request.TtlSeconds == 0 ? null : TimeSpan.FromSeconds(request.TtlSeconds));
            var agents = grant.Reaches(UserTokenGrant.AllAgents)
                ? await directory.NamesAsync(10_000, CancellationToken.None)
                : grant.Agents;
            return new IssueUserTokenResponse { Info = ToProto(grant), Token = token, Kubeconfig = kubeconfigs.Build(agents, token, grant.User) };
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}"));
        }
    }

    public async Task<UserToken> GetUserTokenAsync(GetUserTokenRequest request) =>
        ToProto(await grains.GetGrain<IUserTokenGrain>(CheckTokenId(request.TokenId)).Get()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"user token \"{request.TokenId}\" does not exist")));

    public async Task<RevokeUserTokenResponse> RevokeUserTokenAsync(RevokeUserTokenRequest request)
    {
        if (!await grains.GetGrain<IUserTokenGrain>(CheckTokenId(request.TokenId)).Revoke())
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"user token \"{request.TokenId}\" does not exist"));
        }

        return new RevokeUserTokenResponse();
    }

    public async Task<AgentAccess> GetAgentAccessAsync(GetAgentAccessRequest request)
    {
        await RegisteredAgents.GetAsync(grains, request.Name);
        return ToProto(request.Name, await grains.GetGrain<IAgentAccessGrain>(request.Name).Get());
    }

    public async Task<AgentAccess> SetAgentAccessAsync(SetAgentAccessRequest request)
    {
        var access = request.Access ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "access: required"));
        await RegisteredAgents.GetAsync(grains, access.Name, "access.name");
        if (!System.Enum.IsDefined(access.Mode))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "access.mode: unknown mode"));
        }

        var mode = (ClusterIdentityMode)(int)access.Mode;
        if (mode == ClusterIdentityMode.FixedIdentity && string.IsNullOrWhiteSpace(access.FixedUser))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "access.fixed_user: required for a fixed identity"));
        }

        var policy = new AgentAccessPolicy(mode, mode == ClusterIdentityMode.FixedIdentity ? access.FixedUser : "",
            mode == ClusterIdentityMode.FixedIdentity ? [.. access.FixedGroups] : []);
        await grains.GetGrain<IAgentAccessGrain>(access.Name).Set(policy);
        identities.Invalidate(access.Name);
        return ToProto(access.Name, policy);
    }

    private static string CheckTokenId(string tokenId) =>
        tokenId.Length is > 0 and <= 64 && tokenId.All(char.IsAsciiLetterOrDigit) ? tokenId
            : throw new RpcException(new Status(StatusCode.InvalidArgument, "token_id: not a user token id"));

    private static UserToken ToProto(UserTokenGrant grant)
    {
        var proto = new UserToken
        {
            TokenId = grant.TokenId,
            User = grant.User,
            Groups = { grant.Groups },
            Agents = { grant.Agents },
            CreatedAt = Timestamp.FromDateTimeOffset(grant.CreatedAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(grant.ExpiresAt),
        };
        if (grant.RevokedAt is { } revoked)
        {
            proto.RevokedAt = Timestamp.FromDateTimeOffset(revoked);
        }

        return proto;
    }

    private static AgentAccess ToProto(string name, AgentAccessPolicy policy) => new()
    {
        Name = name,
        Mode = (Protocol.Server.ClusterIdentityMode)(int)policy.Mode,
        FixedUser = policy.FixedUser,
        FixedGroups = { policy.FixedGroups },
    };
}
