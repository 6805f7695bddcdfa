using Grpc.Core;
using Plural.Client;
using Plural.Protocol.Server;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>User access tokens, kubeconfigs and each agent's identity policy.</summary>
[Collection(MainAppCollection.Name)]
public sealed class AccessMethodsTests(MainAppPlatform platform)
{
    [Fact]
    public async Task A_retried_user_token_issue_with_the_same_request_id_returns_the_same_token_and_kubeconfig()
    {
        var agent = await platform.RegisterAgentAsync("access");
        var request = new IssueUserTokenRequest { User = "alice", Agents = { agent.Name }, RequestId = PluralServerClient.NewRequestId() };

        var first = await platform.Api.IssueUserTokenAsync(request);
        var retried = await platform.Api.IssueUserTokenAsync(request);

        Assert.Equal(first.Token, retried.Token);
        Assert.Equal(first.Info.TokenId, retried.Info.TokenId);
        Assert.Contains(first.Token, first.Kubeconfig);
        Assert.Contains(agent.Name, first.Kubeconfig);
    }

    [Fact]
    public async Task Issuing_with_a_negative_lifetime_is_an_invalid_argument()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => platform.Api.IssueUserTokenAsync(
            new IssueUserTokenRequest { User = "alice", Agents = { "*" }, TtlSeconds = -1 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("ttl_seconds:", refused.Status.Detail);
    }

    [Fact]
    public async Task A_revoked_user_token_shows_revoked_and_unknown_or_malformed_ids_are_refused()
    {
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "bob", Agents = { "*" } });

        await platform.Api.RevokeUserTokenAsync(new RevokeUserTokenRequest { TokenId = issued.Info.TokenId });

        Assert.NotNull((await platform.Api.GetUserTokenAsync(new GetUserTokenRequest { TokenId = issued.Info.TokenId })).RevokedAt);
        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.RevokeUserTokenAsync(new RevokeUserTokenRequest { TokenId = "0123456789abcdef" }).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetUserTokenAsync(new GetUserTokenRequest { TokenId = "../etc" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.StartsWith("token_id:", malformed.Status.Detail);
    }

    [Fact]
    public async Task Getting_a_well_formed_but_unknown_user_token_id_is_not_found_naming_the_id()
    {
        var unknown = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetUserTokenAsync(new GetUserTokenRequest { TokenId = unknown }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains($"\"{unknown}\"", missing.Status.Detail);
    }

    [Fact]
    public async Task Agent_access_of_an_unknown_agent_is_not_found_and_a_fixed_identity_needs_a_user()
    {
        var agent = await platform.RegisterAgentAsync("policy");

        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetAgentAccessAsync(new GetAgentAccessRequest { Name = MainAppPlatform.UniqueName("nobody") }).ResponseAsync);
        var noUser = await Assert.ThrowsAsync<RpcException>(() => platform.Api.SetAgentAccessAsync(new SetAgentAccessRequest
        {
            Access = new AgentAccess { Name = agent.Name, Mode = ClusterIdentityMode.FixedIdentity },
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noUser.StatusCode);
        Assert.StartsWith("access.fixed_user:", noUser.Status.Detail);
    }

    [Fact]
    public async Task Setting_access_for_a_malformed_agent_name_is_an_invalid_argument_naming_access_name()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => platform.Api.SetAgentAccessAsync(new SetAgentAccessRequest
        {
            Access = new AgentAccess { Name = "Not_A_Name" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("access.name:", refused.Status.Detail);
    }
}
