using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.Agents;

/// <summary>
/// A gateway with the main application as token authority, a small HTTP server standing in for the main application,
/// and a real agent whose token only that server knows.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenAuthorityTests(PlatformFixture platform)
{
    private static CancellationToken Soon => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    [Fact]
    public async Task An_agent_whose_token_only_the_main_application_knows_connects_and_reconnects_while_the_endpoint_is_down()
    {
        await using var endpoint = await MainAppTokenEndpoint.StartAsync();
        var registered = await platform.RegisterAgentAsync("vouched");
        var agent = registered with { Token = "plrl_agent_issued-by-the-main-app-" + Guid.NewGuid().ToString("N") };
        endpoint.Vouch(agent.Token, agent.Name, "rails-42");
        var (gateway, agentUrl, _) = await platform.StartGatewayWithAsync(
            $"--Gateway:TokenAuthority:Url={endpoint.Url}", "--Gateway:TokenAuthority:Timeout=00:00:01");
        await using (gateway)
        {
            using var raw = new RawAgent(agentUrl);
            var unknown = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync("plrl_agent_nobody-issued-this", Soon));
            await using (var first = AgentProcess.Start(agent, agentUrl, platform.Upstream.Url, []))
            {
                await first.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
            }

            // The endpoint goes down: the agent it vouched for still connects, a token it never saw is told to retry.
            await endpoint.StopAsync();
            await using var second = AgentProcess.Start(agent, agentUrl, platform.Upstream.Url, []);
            await second.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
            var whileDown = await Assert.ThrowsAsync<RpcException>(() => raw.HelloAsync("plrl_agent_another-stranger", Soon));

            Assert.Equal((StatusCode.Unauthenticated, "agent token is not recognised"), (unknown.StatusCode, unknown.Status.Detail));
            Assert.Equal(StatusCode.Unavailable, whileDown.StatusCode);
            Assert.Contains("the main application's token endpoint could not be reached", whileDown.Status.Detail);
            // Asked once about the stranger and about the agent's token; the second connection was answered from memory
            // (a background refresh may have tried, but found nobody listening).
            Assert.Equal([MainAppTokenEndpoint.HashOf("plrl_agent_nobody-issued-this"), MainAppTokenEndpoint.HashOf(agent.Token)],
                endpoint.AskedHashes.Distinct());
            await platform.WaitForAgentAsync(agent.Name, a => a.Status.Connected, TimeSpan.FromSeconds(10));
        }
    }
}
