using System.Net;
using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Agents;

[Collection(PlatformCollection.Name)]
public sealed class AgentAuthenticationTests(PlatformFixture platform)
{
    private static CancellationToken Soon => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plrl_agent_wrong-token-never-issued")]
    [InlineData("Basic-looking token with spaces")]
    public async Task Wrong_or_malformed_tokens_are_refused_with_unauthenticated(string? token)
    {
        using var raw = new RawAgent(platform.AgentUrl);

        var error = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(token, Soon));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Oversized_token_is_refused_without_a_lookup()
    {
        using var raw = new RawAgent(platform.AgentUrl);

        var error = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(new string('x', 10_000), Soon));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("malformed", error.Status.Detail);
    }

    [Fact]
    public async Task Revoked_token_ends_the_running_agent_session_and_is_refused_afterwards()
    {
        var agent = await platform.RegisterAgentAsync("revoked");
        await using var process = await platform.StartAgentAsync(agent);
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));

        await platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name, TokenId = agent.TokenId });

        var after = await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected, TimeSpan.FromSeconds(10));
        Assert.NotNull(Assert.Single(after.Tokens).RevokedAt);
        using var raw = new RawAgent(platform.AgentUrl);
        var error = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(agent.Token, Soon));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail);
        using var response = await platform.Http.GetAsync($"/agents/{agent.Name}/proxy/echo/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Second_token_keeps_working_when_the_first_is_revoked()
    {
        var agent = await platform.RegisterAgentAsync("rotate");
        var second = await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = agent.Name, Description = "rotation" });

        await platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name, TokenId = agent.TokenId });

        using var raw = new RawAgent(platform.AgentUrl);
        var welcome = await raw.HelloAsync(second.Token.Token, Soon);
        Assert.Equal(agent.Name, welcome.Welcome.AgentId);
    }

    [Fact]
    public async Task Malformed_frame_sequence_fails_only_that_stream()
    {
        var bystander = await platform.RegisterAgentAsync("bystander");
        await using var bystanderProcess = await platform.StartAgentAsync(bystander);
        var rogue = await platform.RegisterAgentAsync("rogue");
        using var raw = new RawAgent(platform.AgentUrl);

        // A response before announcing the slot.
        using (var call = raw.Client.Connect(RawAgent.Bearer(rogue.Token), cancellationToken: Soon))
        {
            await call.RequestStream.WriteAsync(new TunnelUp { ResponseHead = new ResponseHead { Status = 200 } });
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Soon));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("protocol violation", error.Status.Detail);
        }

        // A response on an idle slot nobody asked anything of.
        using (var call = raw.Client.Connect(RawAgent.Bearer(rogue.Token), cancellationToken: Soon))
        {
            await call.RequestStream.WriteAsync(new TunnelUp { Ready = new TunnelReady { InstanceId = "rogue" } });
            await call.RequestStream.WriteAsync(new TunnelUp { Body = new BodyChunk() });
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Soon));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        // A session that does not start with hello.
        using (var call = raw.Client.Session(RawAgent.Bearer(rogue.Token), cancellationToken: Soon))
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat() });
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Soon));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        using var response = await platform.Http.GetAsync($"/agents/{bystander.Name}/proxy/echo/still-fine");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Agent_answering_a_request_out_of_order_gives_the_caller_502_and_the_agent_a_protocol_error()
    {
        var rogue = await platform.RegisterAgentAsync("rogue-answer");
        using var raw = new RawAgent(platform.AgentUrl);
        using var call = raw.Client.Connect(RawAgent.Bearer(rogue.Token), cancellationToken: Soon);
        await call.RequestStream.WriteAsync(new TunnelUp { Ready = new TunnelReady { InstanceId = "rogue" } });
        var caller = platform.Http.GetAsync($"/agents/{rogue.Name}/proxy/anything");
        Assert.True(await call.ResponseStream.MoveNext(Soon));
        Assert.Equal(TunnelDown.FrameOneofCase.RequestHead, call.ResponseStream.Current.FrameCase);

        await call.RequestStream.WriteAsync(new TunnelUp { Body = new BodyChunk() });

        using var response = await caller;
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("protocol", await response.Content.ReadAsStringAsync());
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(Soon))
            {
            }
        });
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Server_api_refuses_calls_without_the_admin_token_and_names_bad_fields()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(platform.ApiUrl);
        var anonymous = new ServerApi.ServerApiClient(channel);

        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () =>
            await anonymous.ListAgentsAsync(new ListAgentsRequest()));
        var badName = await Assert.ThrowsAsync<RpcException>(async () =>
            await platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = "Not_A_Label" }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await platform.Api.GetAgentAsync(new GetAgentRequest { Name = "never-registered" }));

        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badName.StatusCode);
        Assert.StartsWith("name:", badName.Status.Detail);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Server_api_is_not_reachable_on_the_agent_listener()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(platform.AgentUrl);
        var misplaced = new ServerApi.ServerApiClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await misplaced.ListAgentsAsync(new ListAgentsRequest(), RawAgent.Bearer(PlatformFixture.AdminToken)));

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.Contains("404", error.Status.Detail + error.Message);
    }
}
