using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Plural.Gateway.Install;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Grains.Fleet;
using Plural.Protocol.Kubernetes;
using Plural.Protocol.Server;

namespace Plural.Gateway.Agents;

/// <summary>The <c>ServerApi</c> calls that register, install, read, list and delete agents.</summary>
internal sealed class AgentsApi(AgentRegistrar registrar, AgentInstallLinks installs, IGrainFactory grains, SessionRegistry sessions, LeaseKeeper leases,
    AgentLocations locations)
{
    private const int DefaultPageSize = 100, MaxPageSize = 1000, DirectoryBatch = 500;

    public async Task<RegisterAgentResponse> RegisterAsync(RegisterAgentRequest request)
    {
        try
        {
            var ttl = AgentProtoMapper.TimeToLive(request.TokenTtl, "token_ttl");
            var (agent, token, secret) = await registrar.RegisterAsync(request.Name, request.Labels, request.Description, ttl);
            return new RegisterAgentResponse
            {
                Agent = AgentProtoMapper.ToProto(agent),
                Token = AgentProtoMapper.ToIssued(token, secret),
                Install = ToProto(await installs.IssueAsync(agent.Registration.Name, secret)),
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
    }

    /// <summary>
    /// The agent as its grain says, or, while the grain does not answer (its silo died and the cluster has not moved it
    /// yet), as it was last read here, at most <c>Gateway:GrainReads:MaxStaleness</c> ago.
    /// </summary>
    public async Task<Agent> GetAsync(GetAgentRequest request, CancellationToken ct)
    {
        try
        {
            return AgentProtoMapper.ToProto(await locations.GetAsync(RegisteredAgents.CheckName(request.Name), fresh: true, ct)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered")));
        }
        catch (GrainReadUnavailableException unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, unavailable.Message));
        }
    }

    public async Task<CreateAgentInstallResponse> CreateInstallAsync(CreateAgentInstallRequest request)
    {
        var ttl = AgentProtoMapper.TimeToLive(request.TokenTtl, "token_ttl");
        await RegisteredAgents.GetAsync(grains, request.Name);
        try
        {
            var (token, secret) = await registrar.AddTokenAsync(request.Name, "install", ttl);
            return new CreateAgentInstallResponse { TokenId = token.TokenId, Install = ToProto(await installs.IssueAsync(request.Name, secret)) };
        }
        catch (TooManyAgentTokensException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"agent \"{request.Name}\" already has {IAgentGrain.MaxActiveTokens} active tokens; revoke one first (RevokeAgentToken), the install brings a new one"));
        }
        catch (AgentNotFoundException)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
        }
    }

    public async Task<ListAgentsResponse> ListAsync(ListAgentsRequest request)
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

    public async Task<DeleteAgentResponse> DeleteAsync(DeleteAgentRequest request)
    {
        if (!await grains.GetGrain<IAgentGrain>(RegisteredAgents.CheckName(request.Name)).Delete())
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
        }

        // Connections on this gateway end now; other gateways notice at their next lease renewal.
        await Task.WhenAll(sessions.Of(request.Name).Select(leases.RenewAsync));
        return new DeleteAgentResponse();
    }

    private static AgentInstall ToProto(AgentInstallLink link) =>
        new() { Command = link.Command, Url = link.Url, ExpiresAt = Timestamp.FromDateTimeOffset(link.ExpiresAt) };
}
