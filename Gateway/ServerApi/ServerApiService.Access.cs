using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.Gateway.Access;
using Plural.Gateway.Proxy;
using Plural.Grains.Access;
using ClusterIdentityMode = Plural.Grains.Access.ClusterIdentityMode;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

// User access: tokens for the Kubernetes proxy and each agent's identity policy.
public sealed partial class ServerApiService
{
    /// <inheritdoc />
    public override Task<IssueUserTokenResponse> IssueUserToken(IssueUserTokenRequest request, ServerCallContext context) =>
        Idempotent(context).RunAsync(nameof(IssueUserToken), request, request.RequestId, () => IssueUserTokenAsync(request, context));

    private async Task<IssueUserTokenResponse> IssueUserTokenAsync(IssueUserTokenRequest request, ServerCallContext context)
    {
        var services = context.GetHttpContext().RequestServices;
        if (request.TtlSeconds < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ttl_seconds: must not be negative"));
        }

        try
        {
            var (grant, token) = await services.GetRequiredService<UserTokenIssuer>().IssueAsync(
                request.User, request.Groups, request.Agents, request.TtlSeconds == 0 ? null : TimeSpan.FromSeconds(request.TtlSeconds));
            var agents = grant.Reaches(UserTokenGrant.AllAgents) ? await AllAgentNamesAsync() : grant.Agents;
            return new IssueUserTokenResponse
            {
                Info = ToProto(grant),
                Token = token,
                Kubeconfig = services.GetRequiredService<KubeconfigBuilder>().Build(agents, token, grant.User),
            };
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}"));
        }
    }

    /// <inheritdoc />
    public override async Task<UserToken> GetUserToken(GetUserTokenRequest request, ServerCallContext context) =>
        ToProto(await grains.GetGrain<IUserTokenGrain>(CheckTokenId(request.TokenId)).Get()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"user token \"{request.TokenId}\" does not exist")));

    /// <inheritdoc />
    public override async Task<RevokeUserTokenResponse> RevokeUserToken(RevokeUserTokenRequest request, ServerCallContext context)
    {
        if (!await grains.GetGrain<IUserTokenGrain>(CheckTokenId(request.TokenId)).Revoke())
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"user token \"{request.TokenId}\" does not exist"));
        }

        return new RevokeUserTokenResponse();
    }

    /// <inheritdoc />
    public override async Task<AgentAccess> GetAgentAccess(GetAgentAccessRequest request, ServerCallContext context)
    {
        await GetSnapshotAsync(request.Name);
        return ToProto(request.Name, await grains.GetGrain<IAgentAccessGrain>(request.Name).Get());
    }

    /// <inheritdoc />
    public override async Task<AgentAccess> SetAgentAccess(SetAgentAccessRequest request, ServerCallContext context)
    {
        var access = request.Access ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "access: required"));
        await GetSnapshotAsync(access.Name, "access.name");
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
        context.GetHttpContext().RequestServices.GetRequiredService<ClusterIdentity>().Invalidate(access.Name);
        return ToProto(access.Name, policy);
    }

    private async Task<IReadOnlyList<string>> AllAgentNamesAsync() =>
        await grains.GetGrain<Grains.Fleet.IAgentDirectoryGrain>(Grains.Fleet.IAgentDirectoryGrain.Key).List(null, 10_000);

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
