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
internal sealed class AgentsApi(AgentRegistrar registrar, AgentInstallLinks installs, IGrainFactory grains, AgentDirectoryFallback directory,
    AgentListingMirror mirror, SessionRegistry sessions, LeaseKeeper leases)
{
    private const int DefaultPageSize = 100, MaxPageSize = 1000;

    public async Task<RegisterAgentResponse> RegisterAsync(RegisterAgentRequest request)
    {
        try
        {
            var ttl = AgentProtoMapper.TimeToLive(request.TokenTtl, "token_ttl");
            var (agent, token, secret) = await registrar.RegisterAsync(request.Name, request.Labels, request.Description, ttl, request.RequestId);
            mirror.Remember([AgentListing.From(agent)]);
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

    /// <summary>The agent, live or, while its grain does not answer, as last known here (see <see cref="AgentDirectoryFallback.GetAsync"/>).</summary>
    public async Task<Agent> GetAsync(GetAgentRequest request, CancellationToken ct)
    {
        var read = await directory.GetAsync(RegisteredAgents.CheckName(request.Name), ct);
        var agent = read.Value switch
        {
            { Snapshot: { } snapshot } => AgentProtoMapper.ToProto(snapshot),
            { Listing: { } listing } => AgentProtoMapper.ToProto(listing),
            _ => throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered")),
        };
        agent.StaleAsOf = read.StaleAsOf is { } asOf ? Timestamp.FromDateTimeOffset(asOf) : null;
        return agent;
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

    public async Task<ListAgentsResponse> ListAsync(ListAgentsRequest request, CancellationToken ct)
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
        // Listings from the directory shards: no agent grain is asked, so a page costs the same at any fleet size.
        // A shard that does not answer in time (its silo was lost) leaves the page to this gateway's copy.
        var (page, staleAsOf) = await directory.PageAsync(after, size, selector, request.ConnectedOnly, ct);
        var response = new ListAgentsResponse
        {
            NextPageToken = page.NextAfter ?? "",
            StaleAsOf = staleAsOf is { } asOf ? Timestamp.FromDateTimeOffset(asOf) : null,
        };
        response.Agents.AddRange(page.Agents.Select(AgentProtoMapper.ToProto));
        return response;
    }

    public async Task<DeleteAgentResponse> DeleteAsync(DeleteAgentRequest request)
    {
        if (!await grains.GetGrain<IAgentGrain>(RegisteredAgents.CheckName(request.Name)).Delete())
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
        }

        mirror.Forget(request.Name);
        // Connections on this gateway end now; other gateways notice at their next lease renewal.
        await Task.WhenAll(sessions.Of(request.Name).Select(leases.RenewAsync));
        return new DeleteAgentResponse();
    }

    private static AgentInstall ToProto(AgentInstallLink link) =>
        new() { Command = link.Command, Url = link.Url, ExpiresAt = Timestamp.FromDateTimeOffset(link.ExpiresAt) };
}
