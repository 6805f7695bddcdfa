using Plural.Grains.Git;
using Plural.Grains.GitOps;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Git;

[Collection(GitCollection.Name)]
public sealed class AgentConfigGrainTests(GitClusterFixture fixture)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(60);

    private const string SharedBase = """
        cache:
          kinds: [nodes]
        gitops:
          reapplyInterval: 5m
          projects:
            - name: base
              paths: ["manifests/base/*.yaml"]
        """;

    private const string WebManifests = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
        """;

    private static string OwnConfig(bool withWeb = true) => $$"""
        include: [../_shared/base.yaml]
        cache:
          kinds: [pods, deployments]
        gitops:
          projects:
        {{(withWeb ? "    - name: web\n      paths: [manifests/web]\n      namespace: web\n      prune: true\n      serviceAccount: web-deployer" : "    - name: base\n      paths: [\"manifests/base/*.yaml\"]")}}
        """;

    private async Task<(string Agent, string Repo, string Url, AgentConfigStatus Status)> SetUpAsync(Dictionary<string, string>? extra = null)
    {
        var agent = "cfg-" + Guid.NewGuid().ToString("N")[..8];
        var repo = "config-" + agent;
        var files = new Dictionary<string, string>
        {
            [AgentConfigPaths.ConfigFile(agent)] = OwnConfig(),
            [".plural/agents/_shared/base.yaml"] = SharedBase,
            ["manifests/web/app.yaml"] = WebManifests,
            ["manifests/base/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n",
        };
        foreach (var (path, content) in extra ?? [])
        {
            files[path] = content;
        }

        fixture.Remote.Create(repo, files);
        var url = fixture.Server.RepositoryUrl(repo);
        var status = await Config(agent).SetSource(new AgentConfigSource(url, "main"));
        return (agent, repo, url, status);
    }

    private IAgentConfigGrain Config(string agent) => fixture.Client.GetGrain<IAgentConfigGrain>(agent);

    private Task<RepositoryPollStatus> PokeAsync(string url) =>
        fixture.Client.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, "main")).Poke();

    [Fact]
    public async Task A_configuration_in_git_is_validated_merged_with_its_includes_and_published()
    {
        var (agent, _, url, status) = await SetUpAsync();

        var accepted = status.Accepted;
        Assert.True(accepted is not null, string.Join("; ", status.Problems));
        Assert.Equal(["pods", "deployments"], accepted.CachedKinds);
        Assert.Equal(300, accepted.ReapplyIntervalSeconds);
        Assert.Equal(["base", "web"], accepted.Projects.Select(p => p.Name));
        var web = accepted.Projects[1];
        Assert.Equal((url, "main", "web", true, "web-deployer"), (web.Repository, web.Ref, web.DefaultNamespace, web.Prune, web.ServiceAccount));
        Assert.Equal((false, ""), (accepted.Projects[0].Prune, accepted.Projects[0].ServiceAccount));

        var desired = await Config(agent).GetDesiredState();
        Assert.Equal(accepted.Version, desired.Config?.Version);
        var webSync = Assert.Single(desired.Syncs, s => s.Target == "web");
        Assert.Equal([("manifests/web/app.yaml", 0), ("manifests/web/app.yaml", 1)], webSync.Documents.Select(d => (d.Path, d.Index)));
        Assert.Contains("name: b", webSync.Documents[1].Yaml);
        Assert.Equal("web-deployer", webSync.ServiceAccount);
        Assert.Single(Assert.Single(desired.Syncs, s => s.Target == "base").Documents);
    }

    [Fact]
    public async Task A_configuration_change_is_published_within_a_poll_and_a_dropped_project_is_sent_as_removed()
    {
        var (agent, repo, _, status) = await SetUpAsync();
        await using var pushes = await StreamRecorder<AgentConfigPush>.StartAsync(fixture.Client, StreamNames.AgentConfig, agent);

        var commit = fixture.Remote.Commit(repo, new Dictionary<string, string> { [AgentConfigPaths.ConfigFile(agent)] = OwnConfig(withWeb: false) });

        var config = await pushes.WaitForAsync(p => p.Config?.Commit == commit, Eventually, "the changed configuration");
        Assert.NotEqual(status.Accepted!.Version, config.Config!.Version);
        var removal = await pushes.WaitForAsync(p => p.Sync is { Target: "web", Removed: true }, Eventually, "the removal of target web");
        Assert.True(removal.Sync!.Prune);
        Assert.DoesNotContain(await Config(agent).GetDesiredState() is var d ? d.Syncs : [], s => s.Target == "web");
    }

    [Fact]
    public async Task Broken_yaml_is_rejected_with_its_line_and_the_previous_configuration_stays()
    {
        var (agent, repo, url, status) = await SetUpAsync();
        await using var pushes = await StreamRecorder<AgentConfigPush>.StartAsync(fixture.Client, StreamNames.AgentConfig, agent);

        var broken = fixture.Remote.Commit(repo, new Dictionary<string, string>
        {
            [AgentConfigPaths.ConfigFile(agent)] = "cache:\n  kinds: [pods]\ngitops:\n  projects: [\n    - name: x\n",
        });
        await PokeAsync(url);

        var rejected = await GitClusterFixture.EventuallyAsync(async () =>
            await Config(agent).GetStatus() is { RejectedCommit: var c } s && c == broken ? s : null, Eventually, "the rejection");
        var problem = Assert.Single(rejected.Problems);
        Assert.Equal(AgentConfigPaths.ConfigFile(agent), problem.File);
        Assert.True(problem.Line >= 4, problem.ToString());
        Assert.StartsWith("invalid YAML", problem.Message);
        Assert.Equal(status.Accepted!.Version, rejected.Accepted?.Version);
        await pushes.WaitForAsync(p => p.Rejected is { Count: > 0 }, Eventually, "the rejection event");
        // The set-up's own push may still be on its way to the recorder; no other configuration may follow it.
        Assert.All(pushes.Items.Where(p => p.Config is not null), p => Assert.Equal(status.Accepted!.Version, p.Config!.Version));
    }

    [Fact]
    public async Task Yaml_cut_off_inside_a_list_is_reported_with_its_line_in_a_configuration_and_in_a_manifest()
    {
        var (agent, repo, url, status) = await SetUpAsync();

        var cut = fixture.Remote.Commit(repo, new Dictionary<string, string>
        {
            ["manifests/web/cut.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cut\ndata: [x\nmore: {}\n",
            [AgentConfigPaths.ConfigFile(agent)] = "cache:\n  kinds: [namespaces\ngitops: {}\n",
        });
        await PokeAsync(url);

        var rejected = await GitClusterFixture.EventuallyAsync(async () =>
            await Config(agent).GetStatus() is { RejectedCommit: var c } s && c == cut ? s : null, Eventually, "the rejection");
        var problem = Assert.Single(rejected.Problems);
        Assert.True(problem.Line >= 2, problem.ToString());
        Assert.StartsWith("invalid YAML", problem.Message);
        Assert.Equal(status.Accepted!.Version, rejected.Accepted?.Version);
        var target = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web");
        Assert.Equal(cut, target.DesiredCommit);
        Assert.Contains(target.ReadErrors, e => e.StartsWith("manifests/web/cut.yaml document 0 (line ") && e.Contains("invalid YAML"));
    }

    [Fact]
    public async Task Unknown_keys_and_bad_values_are_named_by_line()
    {
        var (agent, repo, url, status) = await SetUpAsync();

        var commit = fixture.Remote.Commit(repo, new Dictionary<string, string>
        {
            [AgentConfigPaths.ConfigFile(agent)] = "cache:\n  kind: [pods]\ngitops:\n  reapplyInterval: soon\n  projects:\n    - name: Web!\n      paths: [x]\n    - name: ok\n      paths: [x]\n      serviceAccount: Deployer_1\n",
        });
        await PokeAsync(url);

        var rejected = await GitClusterFixture.EventuallyAsync(async () =>
            await Config(agent).GetStatus() is { RejectedCommit: var c } s && c == commit ? s : null, Eventually, "the rejection");
        Assert.Contains(rejected.Problems, p => p.Line == 2 && p.Message.Contains("unknown key 'kind'"));
        Assert.Contains(rejected.Problems, p => p.Line == 4 && p.Message.Contains("'soon' is not a duration"));
        Assert.Contains(rejected.Problems, p => p.Line == 6 && p.Message.Contains("needs a name"));
        Assert.Contains(rejected.Problems, p => p.Line == 8 && p.Message == "project 'ok': serviceAccount 'Deployer_1' is not a valid service account name");
        Assert.Equal(status.Accepted!.Version, rejected.Accepted?.Version);
    }

    [Fact]
    public async Task A_bad_manifest_is_named_by_file_and_document_and_the_rest_is_sent_without_pruning()
    {
        var (agent, repo, url, _) = await SetUpAsync();
        await using var pushes = await StreamRecorder<AgentConfigPush>.StartAsync(fixture.Client, StreamNames.AgentConfig, agent);

        var commit = fixture.Remote.Commit(repo, new Dictionary<string, string>
        {
            ["manifests/web/bad.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nmetadata:\n  name: d\n",
        });
        await PokeAsync(url);

        var push = await pushes.WaitForAsync(p => p.Sync is { Target: "web" } s && s.Commit == commit, Eventually, "the web sync at the new commit");
        Assert.Equal(["manifests/web/app.yaml#0", "manifests/web/app.yaml#1", "manifests/web/bad.yaml#0"],
            push.Sync!.Documents.Select(d => $"{d.Path}#{d.Index}"));
        Assert.False(push.Sync.Prune);
        var target = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web");
        Assert.Contains(target.ReadErrors, e => e.StartsWith("manifests/web/bad.yaml document 1") && e.Contains("apiVersion and kind are required"));
    }

    [Fact]
    public async Task A_target_over_the_file_limit_is_not_synced_and_says_why()
    {
        var many = Enumerable.Range(0, GitClusterFixture.MaxManifestFiles + 5)
            .ToDictionary(i => $"manifests/web/cm-{i:D2}.yaml", i => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n");
        var (agent, _, _, _) = await SetUpAsync(many);

        var target = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web");

        Assert.Null(target.DesiredCommit);
        var error = Assert.Single(target.ReadErrors);
        Assert.StartsWith($"{GitClusterFixture.MaxManifestFiles + 6} files match, more than the limit of {GitClusterFixture.MaxManifestFiles} files", error);
        Assert.Contains($"(the first over it: manifests/web/cm-{GitClusterFixture.MaxManifestFiles - 1:D2}.yaml)", error);
        Assert.DoesNotContain((await Config(agent).GetDesiredState()).Syncs, s => s.Target == "web");
    }

    [Fact]
    public async Task A_manifest_file_over_the_size_limit_is_skipped_and_named_and_the_rest_is_sent_without_pruning()
    {
        var big = ConfigMapOfSize("big", GitClusterFixture.MaxManifestFileBytes + 1);
        var (agent, _, _, _) = await SetUpAsync(new Dictionary<string, string> { ["manifests/web/big.yaml"] = big });

        var target = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web");
        var sync = Assert.Single((await Config(agent).GetDesiredState()).Syncs, s => s.Target == "web");

        Assert.Equal([$"manifests/web/big.yaml: {big.Length} bytes, more than the limit of {GitClusterFixture.MaxManifestFileBytes} bytes per file; skipped"],
            target.ReadErrors);
        Assert.Equal(["manifests/web/app.yaml#0", "manifests/web/app.yaml#1"], sync.Documents.Select(d => $"{d.Path}#{d.Index}"));
        Assert.False(sync.Prune);
    }

    [Fact]
    public async Task A_target_over_the_total_size_limit_is_not_synced_and_names_the_file_that_crossed_it()
    {
        const int each = GitClusterFixture.MaxManifestFileBytes - 100;
        var files = Enumerable.Range(0, GitClusterFixture.MaxManifestTotalBytes / each + 1)
            .ToDictionary(i => $"manifests/web/part-{i}.yaml", i => ConfigMapOfSize($"part-{i}", each));
        var (agent, _, _, _) = await SetUpAsync(files);

        var target = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web");

        Assert.Null(target.DesiredCommit);
        var error = Assert.Single(target.ReadErrors);
        // After app.yaml (a few hundred bytes) and the parts before it.
        var crossing = $"manifests/web/part-{GitClusterFixture.MaxManifestTotalBytes / each}.yaml";
        Assert.StartsWith($"{crossing}: brings the matching files to ", error);
        Assert.EndsWith($"more than the limit of {GitClusterFixture.MaxManifestTotalBytes} bytes in total; nothing was read", error);
        Assert.DoesNotContain((await Config(agent).GetDesiredState()).Syncs, s => s.Target == "web");
    }

    [Fact]
    public async Task A_commit_that_crosses_a_limit_publishes_the_status_naming_it_and_the_previous_sync_stays()
    {
        var (agent, repo, url, _) = await SetUpAsync();
        var before = Assert.Single((await Config(agent).GetSyncStatus()).Targets, t => t.Target == "web").DesiredCommit;
        await using var statuses = await StreamRecorder<AgentSyncStatus>.StartAsync(fixture.Client, StreamNames.SyncStatus, agent);

        const int each = GitClusterFixture.MaxManifestFileBytes - 100;
        fixture.Remote.Commit(repo, Enumerable.Range(0, GitClusterFixture.MaxManifestTotalBytes / each + 1)
            .ToDictionary(i => $"manifests/web/part-{i}.yaml", i => ConfigMapOfSize($"part-{i}", each)));
        await PokeAsync(url);

        var published = await statuses.WaitForAsync(s => s.Targets.Any(t => t.Target == "web" && t.ReadErrors.Any(e => e.Contains("bytes in total"))),
            Eventually, "the status naming the total limit");
        Assert.Equal(before, published.Targets.Single(t => t.Target == "web").DesiredCommit);
        Assert.Contains((await Config(agent).GetDesiredState()).Syncs, s => s.Target == "web" && s.Commit == before);
    }

    private static string ConfigMapOfSize(string name, int bytes)
    {
        var head = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  filler: ";
        return head + new string('x', bytes - head.Length - 1) + "\n";
    }

    [Fact]
    public async Task Sync_reports_are_kept_per_target_and_published()
    {
        var (agent, _, _, _) = await SetUpAsync();
        await using var statuses = await StreamRecorder<AgentSyncStatus>.StartAsync(fixture.Client, StreamNames.SyncStatus, agent);
        var commit = (await Config(agent).GetSyncStatus()).Targets.Single(t => t.Target == "web").DesiredCommit!;

        await Config(agent).ReportSync(new ManifestSyncReportRecord("web", commit, DateTimeOffset.UtcNow, false,
        [
            new ObjectSyncOutcome("manifests/web/app.yaml", 0, "v1", "ConfigMap", "web", "a", ObjectSyncState.Applied, ""),
            new ObjectSyncOutcome("manifests/web/app.yaml", 1, "v1", "ConfigMap", "web", "b", ObjectSyncState.Failed, "admission webhook denied"),
        ]));

        var published = await statuses.WaitForAsync(s => s.Targets.Any(t => t.LastReport is not null), Eventually, "the published status");
        var report = published.Targets.Single(t => t.Target == "web").LastReport!;
        Assert.Equal(commit, report.Commit);
        Assert.Equal("admission webhook denied", report.Objects.Single(o => o.State == ObjectSyncState.Failed).Message);
        var stored = (await Config(agent).GetSyncStatus()).Targets.Single(t => t.Target == "web").LastReport!;
        Assert.Equal((report.Commit, report.FinishedAt), (stored.Commit, stored.FinishedAt));
        Assert.Equal(report.Objects, stored.Objects);
    }
}
