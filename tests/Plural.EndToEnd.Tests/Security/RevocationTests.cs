using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>
/// Revocation and expiry take effect on every gateway, not only the one that was told. The gateways under test run
/// with the default token cache time (5 s) and lease refresh (15 s), so only a push can beat the refresh.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RevocationTests(PlatformFixture platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // The defaults, stated again because the fixture's gateways run with short ones.
    private static readonly string[] DefaultTimings =
    [
        "--Gateway:Access:TokenCacheTime=00:00:05", "--Gateway:Leases:RefreshInterval=00:00:15", "--Gateway:Leases:TimeToLive=00:00:45",
    ];

    [Fact]
    public async Task A_user_token_revoked_through_one_gateway_is_refused_by_another_within_five_seconds()
    {
        var agent = await platform.RegisterAgentAsync("revoke-user");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var (gatewayB, _, httpB) = await platform.StartGatewayWithAsync(DefaultTimings);
        await using var _ = gatewayB;
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "grace", Agents = { agent.Name } });
        using var client = new HttpClient { BaseAddress = httpB, Timeout = Wait };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        // Gateway B has the token cached as valid when the revocation happens.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, agent.Name));

        await platform.Api.RevokeUserTokenAsync(new RevokeUserTokenRequest { TokenId = issued.Info.TokenId });
        var revoked = Stopwatch.StartNew();

        var lastAccepted = TimeSpan.Zero;
        while (true)
        {
            var sentAt = revoked.Elapsed;
            var status = await StatusAsync(client, agent.Name);
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.OK, status);
            lastAccepted = sentAt;
            Assert.True(revoked.Elapsed < Wait, "gateway B still accepts the revoked token");
            await Task.Delay(200);
        }

        // Measured when each request was sent, which is before the gateway looks at it: a busy machine may answer
        // late, but no request sent 5 s after the revocation may be accepted.
        Assert.InRange(lastAccepted, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, agent.Name));
        }
    }

    [Fact]
    public async Task A_revoked_agent_token_ends_its_sessions_on_every_gateway_within_seconds_and_reconnects_are_refused()
    {
        var agent = await platform.RegisterAgentAsync("revoke-agent");
        var (gatewayB, agentUrlB, _) = await platform.StartGatewayWithAsync(DefaultTimings);
        await using var _b = gatewayB;
        var (gatewayC, agentUrlC, _) = await platform.StartGatewayWithAsync(DefaultTimings);
        await using var _c = gatewayC;
        await using var onB = await StartAgentAsync(agent, agentUrlB, "pod-b");
        await using var onC = await StartAgentAsync(agent, agentUrlC, "pod-c");
        await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connections.Count == 2, Wait);

        await platform.Api.RevokeAgentTokenAsync(new RevokeAgentTokenRequest { Name = agent.Name, TokenId = agent.TokenId });
        var revoked = Stopwatch.StartNew();

        await Task.WhenAll(
            onB.Process.WaitForOutputAsync("Unauthenticated: agent token was revoked", Wait),
            onC.Process.WaitForOutputAsync("Unauthenticated: agent token was revoked", Wait));
        var ended = revoked.Elapsed;
        await platform.WaitForAgentAsync(agent.Name, a => !a.Status.Connected, Wait);
        // Well below one lease refresh (15 s), which is all the gateways had before the push.
        Assert.InRange(ended, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        foreach (var url in new[] { agentUrlB, agentUrlC })
        {
            using var raw = new RawAgent(url);
            var error = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(agent.Token, new CancellationTokenSource(Wait).Token));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Equal("agent token was revoked", error.Status.Detail);
        }
    }

    [Fact]
    public async Task An_expired_agent_token_ends_its_session_at_expiry_and_is_refused_with_token_expired()
    {
        // Lease renewals a minute apart: only the gateway's expiry timer can end the session in time.
        var (gatewayB, agentUrlB, _) = await platform.StartGatewayWithAsync(
            "--Gateway:Leases:RefreshInterval=00:01:00", "--Gateway:Leases:TimeToLive=00:03:00");
        await using var _b = gatewayB;
        var name = $"expiring-{Guid.NewGuid().ToString("N")[..8]}";
        var response = await platform.Api.RegisterAgentAsync(new RegisterAgentRequest { Name = name, TokenTtl = Duration.FromTimeSpan(TimeSpan.FromSeconds(12)) });
        var agent = new RegisteredAgent(name, response.Token.TokenId, response.Token.Token);
        var expiresAt = response.Token.ExpiresAt.ToDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12));
        await using var process = await StartAgentAsync(agent, agentUrlB, "pod-expiring");
        Assert.True(DateTimeOffset.UtcNow < expiresAt, "the agent connected only after its token expired; the machine is too slow for this test");
        var listed = await platform.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = name });
        Assert.Equal(expiresAt, Assert.Single(listed.Tokens).ExpiresAt.ToDateTimeOffset());

        await process.Process.WaitForOutputAsync("Unauthenticated: agent token expired", Wait);

        // Ended at expiry by the gateway's own timer, not at a lease refresh 15 s later.
        Assert.InRange(DateTimeOffset.UtcNow - expiresAt, TimeSpan.FromSeconds(-0.5), TimeSpan.FromSeconds(5));
        await platform.WaitForAgentAsync(name, a => !a.Status.Connected, Wait);
        using var raw = new RawAgent(agentUrlB);
        var error = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync(agent.Token, new CancellationTokenSource(Wait).Token));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("agent token expired", error.Status.Detail);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await platform.Api.CreateAgentTokenAsync(
            new CreateAgentTokenRequest { Name = name, Ttl = Duration.FromTimeSpan(TimeSpan.FromSeconds(-1)) }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        // An expired token holds none of the two slots: two new tokens need no revocation first.
        var first = await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = name });
        var second = await platform.Api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = name, Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        Assert.Null(first.Token.ExpiresAt);
        Assert.NotNull(second.Token.ExpiresAt);
    }

    private async Task<AgentProcess> StartAgentAsync(RegisteredAgent agent, Uri gateway, string instance)
    {
        var process = AgentProcess.Start(agent, gateway, platform.Upstream.Url, [$"--Agent:InstanceId={agent.Name}-{instance}"]);
        await process.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        return process;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string agent)
    {
        using var response = await client.GetAsync($"/k8s-proxy/{agent}/echo/revocation");
        return response.StatusCode;
    }
}
