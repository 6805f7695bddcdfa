using Grpc.Core;
using Plural.Grains.Agents;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

// Agent tokens: rotation (at most two active), revocation, metadata.
public sealed partial class ServerApiService
{
    /// <inheritdoc />
    public override Task<CreateAgentTokenResponse> CreateAgentToken(CreateAgentTokenRequest request, ServerCallContext context) =>
        Idempotent(context).RunAsync(nameof(CreateAgentToken), request, request.RequestId, async () =>
        {
            var ttl = AgentProtoMapper.TimeToLive(request.Ttl, "ttl");
            await GetSnapshotAsync(request.Name);
            try
            {
                var (token, secret) = await registrar.AddTokenAsync(request.Name, request.Description, ttl);
                return new CreateAgentTokenResponse { Token = AgentProtoMapper.ToIssued(token, secret) };
            }
            catch (TooManyAgentTokensException)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"agent \"{request.Name}\" already has {IAgentGrain.MaxActiveTokens} active tokens; revoke one first (RevokeAgentToken)"));
            }
            catch (AgentNotFoundException)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
            }
        });

    /// <inheritdoc />
    public override async Task<RevokeAgentTokenResponse> RevokeAgentToken(RevokeAgentTokenRequest request, ServerCallContext context)
    {
        await GetSnapshotAsync(request.Name);
        if (string.IsNullOrEmpty(request.TokenId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "token_id: required"));
        }

        if (!await grains.GetGrain<IAgentGrain>(request.Name).RevokeToken(request.TokenId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"token_id: agent \"{request.Name}\" has no token \"{request.TokenId}\""));
        }

        // Connections on this gateway end now; other gateways notice at their next lease renewal.
        await Task.WhenAll(sessions.Of(request.Name).Select(leases.RenewAsync));
        return new RevokeAgentTokenResponse();
    }

    /// <inheritdoc />
    public override async Task<ListAgentTokensResponse> ListAgentTokens(ListAgentTokensRequest request, ServerCallContext context)
    {
        var agent = AgentProtoMapper.ToProto(await GetSnapshotAsync(request.Name));
        return new ListAgentTokensResponse { Tokens = { agent.Tokens } };
    }
}
