using Grpc.Core;
using Plural.Client;
using Plural.EndToEnd.Tests.Cluster;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>Agent token rotation: at most two active, revocation, metadata without secrets, and deletion of a connected agent.</summary>
[Collection(MainAppCollection.Name)]
public sealed class TokenMethodsTests(MainAppPlatform platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_third_active_token_is_a_failed_precondition_until_one_is_revoked()
    {
        var agent = await platform.RegisterAgentAsync("rotate");
        var second = await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = agent.Name, Description = "next" });

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = agent.Name }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("revoke one first", refused.Status.Detail);

        await platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name, TokenId = agent.TokenId });
        var third = await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = agent.Name });

        var tokens = (await platform.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = agent.Name })).Tokens;
        Assert.Equal([agent.TokenId, second.Token.TokenId, third.Token.TokenId], tokens.Select(t => t.TokenId));
        Assert.Equal([true, false, false], tokens.Select(t => t.RevokedAt is not null));
        Assert.Equal("next", tokens[1].Description);
    }

    [Fact]
    public async Task A_retried_token_creation_with_the_same_request_id_returns_the_same_token()
    {
        var agent = await platform.RegisterAgentAsync("token-retry");
        var request = new CreateAgentTokenRequest { Name = agent.Name, RequestId = PluralServerClient.NewRequestId() };

        var first = await platform.Api.CreateAgentTokenAsync(request);
        var retried = await platform.Api.CreateAgentTokenAsync(request);

        Assert.Equal(first.Token, retried.Token);
        var tokens = await platform.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = agent.Name });
        Assert.Equal(2, tokens.Tokens.Count);
    }

    [Fact]
    public async Task Token_calls_for_unknown_agents_or_tokens_are_not_found_and_a_missing_token_id_is_invalid()
    {
        var agent = await platform.RegisterAgentAsync("token-errors");
        var nobody = MainAppPlatform.UniqueName("nobody");

        var create = await Assert.ThrowsAsync<RpcException>(() => platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = nobody }).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => platform.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = nobody }).ResponseAsync);
        var revoke = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name, TokenId = "tok_0000000000" }).ResponseAsync);
        var blank = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, create.StatusCode);
        Assert.Equal(StatusCode.NotFound, list.StatusCode);
        Assert.Equal(StatusCode.NotFound, revoke.StatusCode);
        Assert.StartsWith("token_id:", revoke.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, blank.StatusCode);
        Assert.StartsWith("token_id:", blank.Status.Detail);
    }

    [Fact]
    public async Task Deleting_a_connected_agent_disconnects_it_and_its_token_no_longer_authenticates()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var agent = await platform.RegisterAgentAsync("delete-live");
        await using var process = await platform.StartAgentAsync(agent.Name, agent.Token, cluster.Server.Url, cluster.AgentArgs());
        Assert.True((await platform.Api.GetAgentAsync(new GetAgentRequest { Name = agent.Name })).Status.Connected);

        await platform.Api.DeleteAgentAsync(new DeleteAgentRequest { Name = agent.Name });

        var again = await platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = agent.Name });
        Assert.False(again.Agent.Status.Connected);
        using var raw = new RawAgent(platform.AgentUrl, platform.Certificates.AuthorityFile);
        using var soon = new CancellationTokenSource(Timeout);
        var refused = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(agent.Token, soon.Token));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
