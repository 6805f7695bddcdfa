using Grpc.Core;
using Plural.Gateway.Agents;
using Plural.Gateway.ClusterViews;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Protocol.Kubernetes;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

/// <summary>The main application's API. Errors are typed gRPC statuses naming the field at fault.</summary>
public sealed partial class ServerApiService(
    AgentRegistrar registrar,
    IGrainFactory grains,
    SessionRegistry sessions,
    LeaseKeeper leases) : Protocol.Server.ServerApi.ServerApiBase
{
    private const int DefaultPageSize = 100, MaxPageSize = 1000, DirectoryBatch = 500;

    /// <inheritdoc />
    public override Task<RegisterAgentResponse> RegisterAgent(RegisterAgentRequest request, ServerCallContext context) =>
        Idempotent(context).RunAsync(nameof(RegisterAgent), request, request.RequestId, async () =>
        {
            try
            {
                var ttl = AgentProtoMapper.TimeToLive(request.TokenTtl, "token_ttl");
                var (agent, token, secret) = await registrar.RegisterAsync(request.Name, request.Labels, request.Description, ttl);
                return new RegisterAgentResponse
                {
                    Agent = AgentProtoMapper.ToProto(agent),
                    Token = AgentProtoMapper.ToIssued(token, secret),
                };
            }
            catch (ArgumentException)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"name: {AgentName.Requirement}"));
            }
            catch (AgentAlreadyExistsException ex)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"name: {ex.Message}"));
            }
        });

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

        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(request.LabelSelector);
        }
        catch (FormatException bad)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "label_selector: " + bad.Message));
        }

        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var after = string.IsNullOrEmpty(request.PageToken) ? null : request.PageToken;
        var directory = grains.GetGrain<IAgentDirectoryGrain>(IAgentDirectoryGrain.Key);
        // One more than the page tells whether another page follows; a filter may need several directory batches.
        var matches = new List<AgentSnapshot>(size + 1);
        while (matches.Count <= size)
        {
            var names = await directory.List(after, DirectoryBatch);
            var snapshots = await Task.WhenAll(names.Select(n => grains.GetGrain<IAgentGrain>(n).Get()));
            matches.AddRange(snapshots.OfType<AgentSnapshot>().Where(s => selector.Matches(s.Registration.Labels)).Take(size + 1 - matches.Count));
            if (names.Count < DirectoryBatch)
            {
                break;
            }

            after = names[^1];
        }

        var page = matches.Take(size).ToList();
        var response = new ListAgentsResponse { NextPageToken = matches.Count > size ? page[^1].Registration.Name : "" };
        response.Agents.AddRange(page.Select(AgentProtoMapper.ToProto));
        return response;
    }

    /// <inheritdoc />
    public override async Task<DeleteAgentResponse> DeleteAgent(DeleteAgentRequest request, ServerCallContext context)
    {
        CheckName(request.Name);
        if (!await grains.GetGrain<IAgentGrain>(request.Name).Delete())
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
        }

        // Connections on this gateway end now; other gateways notice at their next lease renewal.
        await Task.WhenAll(sessions.Of(request.Name).Select(leases.RenewAsync));
        return new DeleteAgentResponse();
    }

    private async Task<AgentSnapshot> GetSnapshotAsync(string name, string field = "name")
    {
        CheckName(name, field);
        return await grains.GetGrain<IAgentGrain>(name).Get()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{name}\" is not registered"));
    }

    private static void CheckName(string name, string field = "name")
    {
        if (!AgentName.IsValid(name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {AgentName.Requirement}"));
        }
    }

    private static IdempotentCalls Idempotent(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<IdempotentCalls>();
}
