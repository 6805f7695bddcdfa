using Grpc.Core;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Listeners;
using Plural.Protocol.Server;

namespace Plural.Gateway.Dashboard;

/// <summary>
/// The fleet page's agents: for a caller who may see every agent, a page of <c>ListAgents</c> itself (its paging,
/// selector and errors); for a caller limited to some agents, those agents alone, paged the same way. Token
/// descriptions stay out of the page: the dashboard does not show them and a user token should not read them.
/// </summary>
internal sealed class DashboardAgentList(AgentsApi agents)
{
    public async Task<ListAgentsResponse> PageAsync(Caller caller, ListAgentsRequest request, CancellationToken ct)
    {
        var page = caller.Agents is { } allowed ? await PageOfAsync(allowed, request, ct) : await agents.ListAsync(request, ct);
        foreach (var agent in page.Agents)
        {
            agent.Tokens.Clear();
        }

        return page;
    }

    // A user token names its agents, so they are few: read them all, then cut the page as ListAgents does.
    private async Task<ListAgentsResponse> PageOfAsync(IReadOnlySet<string> allowed, ListAgentsRequest request, CancellationToken ct)
    {
        var size = ListArguments.PageSize(request.PageSize);
        var selector = ListArguments.Selector(request.LabelSelector, "label_selector");
        var names = allowed.Where(n => string.CompareOrdinal(n, request.PageToken) > 0).Order(StringComparer.Ordinal).ToList();
        var found = await Task.WhenAll(names.Select(name => ReadAsync(name, ct)));
        var matches = found.OfType<Agent>().Where(a => selector.Matches(a.Labels)).Take(size + 1).ToList();
        var response = new ListAgentsResponse { NextPageToken = matches.Count > size ? matches[size - 1].Name : "" };
        response.Agents.AddRange(matches.Take(size));
        return response;
    }

    private async Task<Agent?> ReadAsync(string name, CancellationToken ct)
    {
        try
        {
            return await agents.GetAsync(new GetAgentRequest { Name = name }, ct);
        }
        catch (RpcException gone) when (gone.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null; // Named in the token but deleted since (or never registered): nothing to list.
        }
    }
}
