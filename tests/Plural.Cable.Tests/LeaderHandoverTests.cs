using Plural.Testing.Cable;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Cable.Tests.Infrastructure;
using Plural.Protocol.Server;
using Xunit.Abstractions;
using static Plural.Cable.Tests.Infrastructure.ShopRepository;

namespace Plural.Cable.Tests;

/// <summary>
/// Two replicas of one agent, as <c>deploy/agentk</c> runs them, electing their leader through a Lease with short
/// timings (lease 3 s, renew deadline 2 s, retry 0.5 s): the leader is killed with SIGKILL in the middle of a stream of
/// cluster changes, and what users of the platform see across the handover.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class LeaderHandoverTests(CablePlatform platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Killing_the_leader_hands_over_within_the_lease_duration_and_every_change_reaches_subscribers_exactly_once()
    {
        var agent = await platform.RegisterAgentAsync("ha");
        var files = Directory.CreateTempSubdirectory("plural-ha-").FullName;
        using var repository = LocalGitRepository.Create(new Dictionary<string, string>
        {
            [$".plural/agents/{agent.Name}/config.yaml"] = Config,
            ["deploy/before.yaml"] = ConfigMap($"before-{agent.Name}"),
        });
        await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = repository.Url });

        // Users reach the cluster with kubectl, which sends its token only over TLS: the replicas dial a gateway whose
        // HTTP listener serves TLS.
        var certificates = await GatewayCertificates.WriteAsync(files);
        await using var gateway = await platform.StartGatewayAsync("gw-ha-" + agent.Name[^8..],
            $"--Gateway:HttpListenUrl=https://127.0.0.1:{FreePort.Next()}",
            $"--Gateway:TlsCertificateFile={certificates.CertificateFile}",
            $"--Gateway:TlsKeyFile={certificates.KeyFile}",
            $"--Gateway:Access:KubeconfigCaFile={certificates.AuthorityFile}");
        using var gatewayApi = GrpcChannel.ForAddress(gateway.ApiUrl);
        var api = new ServerApi.ServerApiClient(gatewayApi.Intercept(m =>
        {
            m.Add("authorization", "Bearer " + CablePlatform.AdminToken);
            return m;
        }));

        // Two subscribers on two other gateways: the stock ActionCable client and a WatchClusterEvents caller.
        await using var cable = await CableDriver.StartAsync(platform.GatewayB.CableUrl(CablePlatform.AdminToken));
        await cable.SubscribeAsync("events", new { channel = "ClusterEventsChannel", agent = agent.Name });
        await cable.WaitForMessageAsync("events", m => (string?)m["type"] == "snapshot", Wait);
        using var stopWatching = new CancellationTokenSource();
        using var watch = platform.Api.WatchClusterEvents(new WatchClusterEventsRequest { Name = agent.Name }, cancellationToken: stopWatching.Token);
        await watch.ResponseHeadersAsync.WaitAsync(Wait);
        var watched = new ConcurrentQueue<ClusterEventInfo>();
        var watching = Task.Run(async () =>
        {
            await foreach (var item in watch.ResponseStream.ReadAllAsync(stopWatching.Token))
            {
                watched.Enqueue(item);
            }
        });

        string[] election =
        [
            $"--Agent:LeaderElection:LeaseName=agentk-{agent.Name}",
            "--Agent:LeaderElection:LeaseNamespace=default",
            "--Agent:LeaderElection:LeaseDuration=00:00:03",
            "--Agent:LeaderElection:RenewDeadline=00:00:02",
            "--Agent:LeaderElection:RetryPeriod=00:00:00.500",
        ];
        var replicas = new Dictionary<string, ProductProcess>
        {
            [$"{agent.Name}-a"] = await platform.StartAgentAsync(agent, gateway, "a", election),
            [$"{agent.Name}-b"] = await platform.StartAgentAsync(agent, gateway, "b", election),
        };
        try
        {
            foreach (var replica in replicas.Values)
            {
                await replica.WaitForOutputAsync("Informer for namespaces synced", Wait);
            }

            var first = await LeaderAsync(platform.Api, agent.Name, l => l.Length > 0);
            Assert.Equal(2, first.Replicas);
            Assert.Equal([first.LeaderInstanceId], first.Connections.Where(c => c.Leader).Select(c => c.InstanceId));
            var leader = first.LeaderInstanceId;
            var survivor = replicas.Keys.Single(k => k != leader);
            await ConfigMapAsync($"before-{agent.Name}");
            Assert.True(replicas[leader].Printed("Became the leader"), replicas[leader].Output);
            Assert.False(replicas[survivor].Printed("Became the leader"), replicas[survivor].Output);

            // A user's kubectl reads through the tunnels of both replicas, over and over, across the kill.
            var issued = await api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "ha-user", Agents = { agent.Name } });
            await File.WriteAllTextAsync(Path.Combine(files, "user.kubeconfig"), issued.Kubeconfig);
            var kubectl = new Kubectl(Path.Combine(files, "user.kubeconfig"), Path.Combine(files, "kubectl-cache"));
            using var stopReading = new CancellationTokenSource();
            var reads = new ConcurrentQueue<(long At, int ExitCode, string Error)>();
            var reading = Task.Run(async () =>
            {
                while (!stopReading.IsCancellationRequested)
                {
                    var result = await kubectl.RunAsync("get", "namespaces", "-o", "name");
                    reads.Enqueue((Stopwatch.GetTimestamp(), result.ExitCode, result.Stderr));
                }
            });
            await Eventually.HoldsAsync(() => reads.Any(r => r.ExitCode == 0), Wait, "a first kubectl get through the tunnel");

            // Changes before, at and after the kill; the leader dies with some of them not yet published.
            var prefix = "ha-" + agent.Name[^8..];
            var names = Enumerable.Range(0, 40).Select(i => $"{prefix}-{i:D2}").ToList();
            long killedAt = 0;
            for (var i = 0; i < names.Count; i++)
            {
                await platform.CreateNamespaceAsync(names[i]);
                if (i == 14)
                {
                    await replicas[leader].KillAsync();
                    killedAt = Stopwatch.GetTimestamp();
                }

                await Task.Delay(150);
            }

            var next = await LeaderAsync(platform.Api, agent.Name, l => l == survivor);
            var handedOver = Stopwatch.GetElapsedTime(killedAt);
            output.WriteLine($"leadership moved from {leader} to {survivor} {handedOver.TotalSeconds:F1} s after the kill");
            // A lease duration after the survivor last saw the Lease renewed, at its next attempt (two retry periods at
            // most, 1.2 s), and the time to tell the platform; the rest is slack for a busy machine.
            Assert.True(handedOver < LeaseDuration + TimeSpan.FromSeconds(4), $"took {handedOver.TotalSeconds:F1} s");
            Assert.Equal(1, next.Replicas);

            // GitOps goes on under the new leader: a commit after the kill is applied.
            repository.Commit(new Dictionary<string, string> { ["deploy/after.yaml"] = ConfigMap($"after-{agent.Name}") });
            await platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = repository.Url });
            await ConfigMapAsync($"after-{agent.Name}");

            // Every subscriber saw each namespace created exactly once, in the order they were created.
            await cable.WaitForMessageAsync("events", m => (string?)m["name"] == names[^1], Wait);
            await Eventually.HoldsAsync(() => watched.Any(e => e.Name == names[^1]), Wait, "the last namespace through WatchClusterEvents");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await stopReading.CancelAsync();
            await reading;

            var fromCable = cable.Received("events").Where(m => (string?)m["type"] == "cluster_event" && ((string?)m["name"] ?? "").StartsWith(prefix, StringComparison.Ordinal))
                .Select(m => ((string)m["event_type"]!, (string)m["name"]!, (string)m["resource_version"]!, (long)m["seq"]!)).ToList();
            var fromWatch = watched.Where(e => e.Gap is null && e.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(e => (e.Type, e.Name, e.ResourceVersion, e.Position)).ToList();
            Assert.Equal(names, fromCable.Where(e => e.Item1 == "ADDED").Select(e => e.Item2));
            Assert.Equal(names, fromWatch.Where(e => e.Type == "ADDED").Select(e => e.Name));
            Assert.Equal(fromCable.Count, fromCable.Select(e => (e.Item1, e.Item2, e.Item3)).Distinct().Count());
            Assert.Equal(fromCable, fromWatch);
            Assert.DoesNotContain(cable.Received("events"), m => (string?)m["type"] == "reset");
            Assert.DoesNotContain(watched, e => e.Gap is not null);

            // The tunnels kept serving: no kubectl get failed, and reads ran on both sides of the kill.
            var failed = reads.Where(r => r.ExitCode != 0).ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} of {reads.Count} kubectl gets failed: {string.Join(" | ", failed.Select(f => f.Error.Trim()))}");
            Assert.Contains(reads, r => r.At < killedAt);
            Assert.Contains(reads, r => r.At > killedAt + Stopwatch.Frequency * 2);
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching.ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var replica in replicas.Values)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static Task<AgentStatus> LeaderAsync(ServerApi.ServerApiClient api, string agent, Func<string, bool> leader) =>
        Eventually.UntilAsync(async () => (await api.GetAgentAsync(new GetAgentRequest { Name = agent })).Status, s => leader(s.LeaderInstanceId), Wait,
            $"GetAgent to name the leader of {agent}", poll: TimeSpan.FromMilliseconds(100));

    private async Task ConfigMapAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = platform.Emulator.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Emulator.AdminToken);
        await Eventually.UntilAsync(async () =>
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
            return response.StatusCode;
        }, status => status == HttpStatusCode.OK, Wait, $"GitOps to apply ConfigMap {name}");
    }
}
