using Grpc.Core;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// The server side of GitOps through real processes: configuration in a repository served by <c>git daemon</c>,
/// read by the silo's pollers, and pushed by the gateway down a hand-driven agent session.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AgentConfigSessionTests(PlatformFixture platform) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private GitDaemon _git = null!;

    public async Task InitializeAsync() => _git = await GitDaemon.StartAsync();

    public async Task DisposeAsync() => await _git.DisposeAsync();

    private static string Config(string kinds) => $$"""
        cache:
          kinds: [{{kinds}}]
        gitops:
          projects:
            - name: web
              paths: [manifests]
              namespace: web
              prune: true
        """;

    [Fact]
    public async Task A_session_gets_its_configuration_after_the_welcome_and_every_committed_change()
    {
        var agent = await platform.RegisterAgentAsync("gitops");
        var repo = "fleet-" + agent.Name;
        _git.Create(repo, new Dictionary<string, string>
        {
            [$".plural/agents/{agent.Name}/config.yaml"] = Config("pods"),
            ["manifests/app.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
        });
        var source = await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = _git.Url(repo) });
        Assert.True(source.Version.Length > 0, $"not accepted: {source}");

        using var raw = new RawAgent(platform.AgentUrl);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var session = raw.Client.Session(RawAgent.Bearer(agent.Token), cancellationToken: cts.Token);
        await session.RequestStream.WriteAsync(new AgentMessage
        {
            Hello = new Hello { AgentVersion = "raw", InstanceId = "raw-gitops", Capabilities = { "agent.config.v1", "gitops.v1" } },
        }, cts.Token);

        var welcome = await NextAsync(session, cts.Token);
        Assert.Equal(["agent.config.v1", "gitops.v1"], welcome.Welcome.AcceptedCapabilities.Order());
        var config = await NextAsync(session, cts.Token);
        Assert.Equal(source.Version, config.Config.Version);
        Assert.Equal(["pods"], config.Config.CachedKinds);
        var sync = await NextAsync(session, cts.Token);
        Assert.Equal(("web", "web", true), (sync.ManifestSync.Target, sync.ManifestSync.DefaultNamespace, sync.ManifestSync.Prune));
        Assert.Equal("manifests/app.yaml", Assert.Single(sync.ManifestSync.Documents).Path);

        // Within one poll (the platform polls every second), without any notification.
        _git.Commit(repo, new Dictionary<string, string> { [$".plural/agents/{agent.Name}/config.yaml"] = Config("pods, deployments") });
        var changed = await NextAsync(session, cts.Token);
        Assert.Equal(["pods", "deployments"], changed.Config.CachedKinds);

        await session.RequestStream.WriteAsync(new AgentMessage
        {
            ManifestSyncReport = new ManifestSyncReport
            {
                Target = "web",
                Commit = sync.ManifestSync.Commit,
                Objects =
                {
                    new ObjectSyncResult
                    {
                        Path = "manifests/app.yaml", Index = 0, ApiVersion = "v1", Kind = "ConfigMap", Namespace = "web", Name = "app",
                        State = ObjectSyncState.Failed, Message = "namespaces \"web\" not found",
                    },
                },
            },
        }, cts.Token);
        var status = await Eventually.GetAsync(async () =>
            await platform.Api.GetSyncStatusAsync(new GetSyncStatusRequest { Name = agent.Name }) is var s
            && s.Targets.Any(t => t.ReportedCommit.Length > 0) ? s : null, Patience, "the report in the sync status");
        var target = Assert.Single(status.Targets);
        Assert.Equal(sync.ManifestSync.Commit, target.ReportedCommit);
        var failed = Assert.Single(target.Objects);
        Assert.Equal(("failed", "namespaces \"web\" not found"), (failed.State, failed.Message));

        await session.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task A_broken_configuration_is_reported_and_the_previous_one_stays()
    {
        var agent = await platform.RegisterAgentAsync("gitops-broken");
        var repo = "fleet-" + agent.Name;
        var configPath = $".plural/agents/{agent.Name}/config.yaml";
        _git.Create(repo, new Dictionary<string, string> { [configPath] = Config("pods") });
        var accepted = await platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = _git.Url(repo) });

        var broken = _git.Commit(repo, new Dictionary<string, string> { [configPath] = "cache:\n  kinds: [pods\n" });
        var pushed = await platform.Api.NotifyGitPushAsync(new NotifyGitPushRequest { Repository = _git.Url(repo) });
        Assert.Equal(broken, Assert.Single(pushed.Refs).Commit);

        var status = await Eventually.GetAsync(async () =>
            await platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = agent.Name }) is { RejectedCommit: var c } s && c == broken ? s : null,
            Patience, "the broken configuration rejected");
        Assert.Equal(accepted.Version, status.Version);
        var problem = Assert.Single(status.Problems);
        Assert.Equal(configPath, problem.File);
        Assert.True(problem.Line > 0, problem.ToString());
    }

    [Fact]
    public async Task Configuration_calls_name_the_field_at_fault()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.GetAgentConfigAsync(new GetAgentConfigRequest { Name = "no-such-agent" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"no-such-agent\"", unknown.Status.Detail);

        var agent = await platform.RegisterAgentAsync("gitops-bad");
        var bad = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent.Name, Repository = "has space" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("repository:", bad.Status.Detail);
    }

    private static async Task<GatewayMessage> NextAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> session, CancellationToken ct)
    {
        Assert.True(await session.ResponseStream.MoveNext(ct), "the gateway ended the session");
        return session.ResponseStream.Current;
    }
}
