using Grpc.Core;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;
using Plural.Protocol.Server;

namespace Plural.Gateway.Agents;

/// <summary>The <c>ServerApi</c> calls about agent tokens: rotation (at most two active), revocation, metadata.</summary>
internal sealed class TokensApi(AgentRegistrar registrar, IGrainFactory grains, SessionRegistry sessions, LeaseKeeper leases)
{
    public async Task<CreateAgentTokenResponse> CreateAsync(CreateAgentTokenRequest request)
    {
        var ttl = AgentProtoMapper.TimeToLive(request.Ttl, "ttl");
        await RegisteredAgents.GetAsync(grains, request.Name);
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
    }

    public async Task<RevokeAgentTokenResponse> RevokeAsync(RevokeAgentTokenRequest request)
    {
        await RegisteredAgents.GetAsync(grains, request.Name);
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

    public async Task<ListAgentTokensResponse> ListAsync(ListAgentTokensRequest request)
    {
        var agent = AgentProtoMapper.ToProto(await RegisteredAgents.GetAsync(grains, request.Name));
        return new ListAgentTokensResponse { Tokens = { agent.Tokens } };
    }
}
