using System.Net;
using System.Net.Http.Headers;
using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Clustering;

/// <summary>The operations scenarios, run the same way on every store.</summary>
internal static class TopologyScenarios
{
    // How long after the kill the figures are taken over: the cluster declares the silo dead and moves its grains within it.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest stretch during which <c>ServerApi</c> calls may fail or wait around a silo's loss (issue 20). Reads
    /// answer from the gateway's copy once a grain call waited <c>Gateway:GrainReads:CallTimeout</c> (1 s); docs/operations.md
    /// records 1.0 to 1.1 s on both stores on this loaded 2-core machine.
    /// </summary>
    public static readonly TimeSpan ServerApiWindowBound = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Kills one silo under load through both gateways while a main-application client reads agents through
    /// <c>ServerApi</c>, then brings the cluster back to size. Every agent stays connected throughout, so every
    /// proxied request is tunnel traffic with a connected agent: none may fail. Returns what the load saw from the kill
    /// until the cluster was back to size, and the stretch during which <c>ServerApi</c> calls failed or waited.
    /// </summary>
    public static async Task<SiloLossReport> KillSiloUnderLoadAsync(TopologyFixture fixture, ITestOutputHelper output)
    {
        var cluster = fixture.Cluster;
        await using var load = new LoadGenerator(fixture.Readiness, fixture.Agents.Names, workers: 4);
        await using var api = new ServerApiProbe(fixture.Api, fixture.Agents.Names);
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 50, TimeSpan.FromSeconds(30));
        await api.WaitUntilEveryAgentWasReadAsync(TimeSpan.FromSeconds(60));

        var victim = cluster.Silos[^1];
        var killedAt = DateTime.UtcNow;
        await cluster.StopSiloAsync(victim, kill: true);
        await Task.Delay(RecoveryBound);
        var settled = DateTime.UtcNow;
        await load.WaitForSuccessesAsync(settled, 100, TimeSpan.FromSeconds(30));
        await cluster.StartSiloAsync();
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 50, TimeSpan.FromSeconds(30));

        var around = LoadReport.Of(load.Records, killedAt, settled);
        var after = LoadReport.Of(load.Records, settled, DateTime.UtcNow);
        var (window, calls, stale, bad) = api.UnavailableWindow(killedAt, DateTime.UtcNow);
        output.WriteLine($"kill {victim.Name}: during the first {RecoveryBound.TotalSeconds} s: {around}");
        output.WriteLine($"kill {victim.Name}: afterwards (incl. a replacement silo joining): {after}");
        output.WriteLine($"kill {victim.Name}: ServerApi GetAgent, ListAgents, ListClusterViews, GetClusterView and QueryFleet: {calls} calls, {stale} answered marked stale, {bad.Count} failed or slower than " +
            $"{ServerApiProbe.Slow.TotalSeconds} s, within {window.TotalSeconds:0.0} s" + string.Concat(bad.Take(8).Select(b => "\n  " + b)));
        var ok = around.Total + after.Total - around.Failed - after.Failed;
        output.WriteLine($"kill {victim.Name}: {ok} of {around.Total + after.Total} proxied requests OK ({100.0 * ok / Math.Max(1, around.Total + after.Total):0.00} %)");
        WriteGatewayLinesAbout(cluster, load.Records.Where(r => !r.Succeeded).Select(r => r.Agent), output);
        if (window > ServerApiWindowBound)
        {
            WriteGatewayWarnings(cluster, output);
        }

        return new SiloLossReport(LoadReport.Of(load.Records, killedAt, DateTime.UtcNow), window);
    }
    /// <summary>The last warnings and errors each gateway logged, and whether it still runs: why ServerApi calls failed.</summary>
    private static void WriteGatewayWarnings(TopologyCluster cluster, ITestOutputHelper output)
    {
        foreach (var gateway in cluster.Gateways)
        {
            output.WriteLine($"  {gateway.Endpoint.Id} ({(gateway.Process.HasExited ? "exited" : "running")}), its last warnings and errors:");
            foreach (var line in gateway.Process.LinesContaining("warn:", 10).Concat(gateway.Process.LinesContaining("fail:", 10)))
            {
                output.WriteLine($"    {line}");
            }
        }
    }

    /// <summary>What each gateway logged about the agents whose requests failed, so that a failure explains itself.</summary>
    private static void WriteGatewayLinesAbout(TopologyCluster cluster, IEnumerable<string> agents, ITestOutputHelper output)
    {
        foreach (var agent in agents.Distinct().Take(3))
        {
            foreach (var gateway in cluster.Gateways)
            {
                foreach (var line in gateway.Process.LinesContaining(agent, 15))
                {
                    output.WriteLine($"  {gateway.Endpoint.Id} about {agent}: {line}");
                }
            }
        }
    }

    /// <summary>
    /// Connects an agent with an emulated cluster until its first view is stored, then stops it (the view must come
    /// from the store after a restart, not from a fresh report); returns the view as it was.
    /// </summary>
    private static async Task<ClusterViewInfo> RecordLastKnownViewAsync(TopologyFixture fixture)
    {
        var name = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        var token = await AgentRegistration.RegisterAsync(fixture.Api, name);
        await using var agent = await EmulatedClusterAgent.StartAsync(name, token, fixture.Balancer.Url);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = await fixture.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = name });
            if (view.View is { NodeCount: 2 } && view.View.Pods.Count > 0)
            {
                await agent.StopAgentAsync();
                return await fixture.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = name });
            }

            Assert.True(DateTime.UtcNow < deadline, $"no view of {name} within 60 s");
            await Task.Delay(250);
        }
    }

    /// <summary>Scales silos in to <paramref name="to"/> by SIGTERM, then back out, under load; returns what the load saw from the start.</summary>
    public static async Task<LoadReport> ScaleInAndOutAsync(TopologyFixture fixture, int to, ITestOutputHelper output)
    {
        var cluster = fixture.Cluster;
        var size = cluster.Silos.Count;
        await using var load = new LoadGenerator(fixture.Readiness, fixture.Agents.Names, workers: 4);
        var started = DateTime.UtcNow;
        await load.WaitForSuccessesAsync(started, 50, TimeSpan.FromSeconds(30));

        // Like scaling the deployment down: the surplus silos get SIGTERM at once and hand their grains over.
        await Task.WhenAll(cluster.Silos.Take(size - to).ToList().Select(silo => cluster.StopSiloAsync(silo, kill: false)));
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 30, TimeSpan.FromSeconds(30));

        var scaledIn = LoadReport.Of(load.Records, started, DateTime.UtcNow);
        output.WriteLine($"scale {size} -> {to}: {scaledIn}");
        var outStarted = DateTime.UtcNow;
        await cluster.StartSilosAsync(size - to);
        await load.WaitForSuccessesAsync(DateTime.UtcNow, 50, TimeSpan.FromSeconds(30));
        var scaledOut = LoadReport.Of(load.Records, outStarted, DateTime.UtcNow);
        output.WriteLine($"scale {to} -> {size}: {scaledOut}");
        return LoadReport.Of(load.Records, started, DateTime.UtcNow);
    }

    /// <summary>
    /// Stops every gateway and silo gracefully, starts them again, and checks that agents come back with the tokens
    /// they had, that a user token issued before still works, that an access policy and a configuration source set
    /// before are still set, and that the last-known view of an agent that stayed away is still served. A registration
    /// retried afterwards with its request id (its answer was held in a silo's memory, lost with it) is answered as a
    /// registration with a new first token, not as a taken name.
    /// </summary>
    public static async Task FullRestartAsync(TopologyFixture fixture, ITestOutputHelper output)
    {
        var cluster = fixture.Cluster;
        var agent = fixture.Agents.Names[0];
        var issued = await fixture.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "restart-user", Agents = { agent }, TtlSeconds = 3600 });
        var access = new AgentAccess { Name = agent, Mode = ClusterIdentityMode.FixedIdentity, FixedUser = "restart-sa", FixedGroups = { "restarters" } };
        await fixture.Api.SetAgentAccessAsync(new SetAgentAccessRequest { Access = access });
        var lastKnown = await RecordLastKnownViewAsync(fixture);
        var config = await AgentConfigSources.SetAsync(fixture.Api, agent, "https://127.0.0.1:9/fleet-config.git", "release");
        var before = await fixture.ListAgentsAsync();
        var registering = new RegisterAgentRequest { Name = "retried-" + Guid.NewGuid().ToString("N")[..6], RequestId = Guid.NewGuid().ToString() };
        var registered = await fixture.Api.RegisterAgentAsync(registering);

        var stopping = DateTime.UtcNow;
        await Task.WhenAll(cluster.Gateways.ToList().Select(gateway => cluster.StopGatewayAsync(gateway, kill: false)));

        // Like deleting the deployment: every silo gets SIGTERM at once.
        await Task.WhenAll(cluster.Silos.ToList().Select(silo => cluster.StopSiloAsync(silo, kill: false)));

        output.WriteLine($"full stop took {(DateTime.UtcNow - stopping).TotalSeconds:0.0} s");
        var starting = DateTime.UtcNow;
        await fixture.StartAllAsync();
        fixture.ReconnectApi();
        var after = await fixture.WaitForAgentsAsync(a => a.Status.Connected, TimeSpan.FromSeconds(60));
        output.WriteLine($"full start until all {after.Count} agents reconnected: {(DateTime.UtcNow - starting).TotalSeconds:0.0} s");

        Assert.Equal(before.Select(a => a.Name).Append(registering.Name).Order(), after.Select(a => a.Name).Order());
        var retried = await fixture.Api.RegisterAgentAsync(registering);
        Assert.Equal(registered.Agent.CreatedAt, retried.Agent.CreatedAt);
        Assert.NotEqual(registered.Token.TokenId, retried.Token.TokenId);
        var tokens = await fixture.Api.ListAgentTokensAsync(new ListAgentTokensRequest { Name = registering.Name });
        Assert.Equal(retried.Token.TokenId, Assert.Single(tokens.Tokens, t => t.RevokedAt is null).TokenId);
        Assert.Equal(before.Select(a => a.CreatedAt).Append(registered.Agent.CreatedAt).Order(), after.Select(a => a.CreatedAt).Order());
        Assert.Equal(access, await fixture.Api.GetAgentAccessAsync(new GetAgentAccessRequest { Name = agent }));
        var token = await fixture.Api.GetUserTokenAsync(new GetUserTokenRequest { TokenId = issued.Info.TokenId });
        Assert.Null(token.RevokedAt);
        var viewAfter = await fixture.Api.GetClusterViewAsync(new GetClusterViewRequest { Name = lastKnown.Name });
        Assert.True(viewAfter.Offline, "the agent that stayed away is not shown offline");
        Assert.Equal(lastKnown.View, viewAfter.View);
        var configAfter = await fixture.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agent });
        Assert.Equal((config.Repository, config.Ref), (configAfter.Repository, configAfter.Ref));

        // The user token is checked where users use it: on the Kubernetes proxy.
        using var http = new HttpClient { BaseAddress = fixture.Readiness.Ready.Count > 0 ? fixture.Readiness.Ready[0].HttpUrl : cluster.Gateways[0].Endpoint.HttpUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        using var response = await http.GetAsync($"/k8s-proxy/{agent}/echo/after-restart");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
