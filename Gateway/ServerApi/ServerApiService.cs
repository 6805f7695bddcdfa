using Grpc.Core;
using Plural.Gateway.Agents;
using Plural.Gateway.Sessions;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

/// <summary>The main application's API. Errors are typed gRPC statuses naming the field at fault.</summary>
public sealed partial class ServerApiService(
    AgentRegistrar registrar,
    IGrainFactory grains,
    SessionRegistry sessions,
    LeaseKeeper leases) : Protocol.Server.ServerApi.ServerApiBase
{
    private const int DefaultPageSize = 100, MaxPageSize = 1000;

    /// <inheritdoc />
    public override async Task<RegisterAgentResponse> RegisterAgent(RegisterAgentRequest request, ServerCallContext context)
    {
        try
        {
            var (agent, tokenId, token) = await registrar.RegisterAsync(request.Name, request.Labels, request.Description);
            return new RegisterAgentResponse
            {
                Agent = AgentProtoMapper.ToProto(agent),
                Token = new IssuedToken { TokenId = tokenId, Token = token },
            };
        }
        catch (ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"name: {AgentName.Requirement}"));
        }
        catch (AgentAlreadyExistsException ex)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, ex.Message));
        }
    }

    /// <inheritdoc />
    public override async Task<Agent> GetAgent(GetAgentRequest request, ServerCallContext context) =>
        AgentProtoMapper.ToProto(await GetSnapshotAsync(request.Name));

    /// <inheritdoc />
    public override async Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "page_size: must not be negative"));
        }

        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var after = string.IsNullOrEmpty(request.PageToken) ? null : request.PageToken;
        var names = await grains.GetGrain<IAgentDirectoryGrain>(IAgentDirectoryGrain.Key).List(after, size + 1);
        var page = names.Take(size).ToList();
        var snapshots = await Task.WhenAll(page.Select(n => grains.GetGrain<IAgentGrain>(n).Get()));
        var response = new ListAgentsResponse
        {
            NextPageToken = names.Count > size ? page[^1] : "",
        };
        response.Agents.AddRange(snapshots.OfType<AgentSnapshot>().Select(AgentProtoMapper.ToProto));
        return response;
    }

    /// <inheritdoc />
    public override async Task<CreateAgentTokenResponse> CreateAgentToken(CreateAgentTokenRequest request, ServerCallContext context)
    {
        await GetSnapshotAsync(request.Name);
        var (tokenId, token) = await registrar.AddTokenAsync(request.Name, request.Description);
        return new CreateAgentTokenResponse { Token = new IssuedToken { TokenId = tokenId, Token = token } };
    }

    /// <inheritdoc />
    public override async Task<RevokeAgentTokenResponse> RevokeAgentToken(RevokeAgentTokenRequest request, ServerCallContext context)
    {
        await GetSnapshotAsync(request.Name);
        if (!await grains.GetGrain<IAgentGrain>(request.Name).RevokeToken(request.TokenId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"token_id: agent \"{request.Name}\" has no token \"{request.TokenId}\""));
        }

        // Connections on this gateway end now; other gateways notice at their next lease renewal.
        await Task.WhenAll(sessions.Of(request.Name).Select(leases.RenewAsync));
        return new RevokeAgentTokenResponse();
    }

    private async Task<AgentSnapshot> GetSnapshotAsync(string name)
    {
        if (!AgentName.IsValid(name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"name: {AgentName.Requirement}"));
        }

        return await grains.GetGrain<IAgentGrain>(name).Get()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{name}\" is not registered"));
    }
}
