using Grpc.Core;
using Plural.Client;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>Registering, reading, listing and deleting agents, as the main application does it.</summary>
[Collection(MainAppCollection.Name)]
public sealed class AgentMethodsTests(MainAppPlatform platform)
{
    [Fact]
    public async Task A_retried_registration_with_the_same_request_id_returns_the_same_agent_and_token()
    {
        var request = new RegisterAgentRequest { Name = MainAppPlatform.UniqueName("retry"), RequestId = PluralServerClient.NewRequestId() };

        var first = await platform.Api.RegisterAgentAsync(request);
        var retried = await platform.Api.RegisterAgentAsync(request);

        Assert.Equal(first.Token.TokenId, retried.Token.TokenId);
        Assert.Equal(first.Token.Token, retried.Token.Token);
        Assert.Equal(first.Agent.CreatedAt, retried.Agent.CreatedAt);
        var agent = await platform.Api.GetAgentAsync(new GetAgentRequest { Name = request.Name });
        Assert.Single(agent.Tokens);
    }

    [Fact]
    public async Task A_request_id_reused_for_another_agent_is_an_invalid_argument()
    {
        var id = PluralServerClient.NewRequestId();
        await platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = MainAppPlatform.UniqueName("reuse"), RequestId = id });

        var refused = await Assert.ThrowsAsync<RpcException>(() => platform.Api.RegisterAgentAsync(
            new RegisterAgentRequest { Name = MainAppPlatform.UniqueName("reuse"), RequestId = id }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("request_id:", refused.Status.Detail);
    }

    [Fact]
    public async Task Registering_a_bad_or_taken_name_is_refused_naming_the_field()
    {
        var taken = await platform.RegisterAgentAsync("taken");

        var bad = await Assert.ThrowsAsync<RpcException>(() => platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = "Not_A_Name" }).ResponseAsync);
        var again = await Assert.ThrowsAsync<RpcException>(() => platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = taken.Name }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("name:", bad.Status.Detail);
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
        Assert.StartsWith("name:", again.Status.Detail);
    }

    [Fact]
    public async Task Getting_an_unknown_agent_is_not_found()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetAgentAsync(new GetAgentRequest { Name = MainAppPlatform.UniqueName("nobody") }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Listing_pages_through_the_agents_a_label_selector_picks()
    {
        var team = Guid.NewGuid().ToString("N")[..8];
        var prod = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            prod.Add((await platform.RegisterAgentAsync("list", new Dictionary<string, string> { ["team"] = team, ["env"] = "prod" })).Name);
        }

        await platform.RegisterAgentAsync("list", new Dictionary<string, string> { ["team"] = team, ["env"] = "staging" });

        var seen = new List<string>();
        var pages = 0;
        var request = new ListAgentsRequest { PageSize = 2, LabelSelector = $"team={team},env in (prod)" };
        do
        {
            var page = await platform.Api.ListAgentsAsync(request);
            Assert.True(page.Agents.Count <= 2);
            seen.AddRange(page.Agents.Select(a => a.Name));
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0 && pages < 10);

        Assert.Equal(prod.Order(StringComparer.Ordinal), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData(-1, "", "page_size:")]
    [InlineData(0, "env in prod", "label_selector:")]
    public async Task Listing_with_a_bad_page_size_or_selector_is_an_invalid_argument(int pageSize, string selector, string field)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.ListAgentsAsync(new ListAgentsRequest { PageSize = pageSize, LabelSelector = selector }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field, refused.Status.Detail);
    }

    [Fact]
    public async Task A_deleted_agent_is_gone_from_listing_and_its_name_can_be_registered_again()
    {
        var agent = await platform.RegisterAgentAsync("delete");

        await platform.Api.DeleteAgentAsync(new DeleteAgentRequest { Name = agent.Name });

        var gone = await Assert.ThrowsAsync<RpcException>(() => platform.Api.GetAgentAsync(new GetAgentRequest { Name = agent.Name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        var listed = await platform.Api.ListAgentsAsync(new ListAgentsRequest { PageSize = 1000 });
        Assert.DoesNotContain(listed.Agents, a => a.Name == agent.Name);
        var again = await platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = agent.Name });
        Assert.NotEqual(agent.TokenId, again.Token.TokenId);
    }

    [Fact]
    public async Task Deleting_an_unknown_agent_is_not_found()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.DeleteAgentAsync(new DeleteAgentRequest { Name = MainAppPlatform.UniqueName("nobody") }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
