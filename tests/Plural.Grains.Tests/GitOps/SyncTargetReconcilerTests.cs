using Microsoft.Extensions.Logging.Abstractions;
using Plural.Grains.Git;
using Plural.Grains.GitOps;

namespace Plural.Grains.Tests.GitOps;

public sealed class SyncTargetReconcilerTests
{
    private const string Agent = "edge-1";
    private const string ConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";

    private readonly AgentConfigState _state = new();
    private readonly Outbox _outbox = new();
    private readonly Dictionary<string, Poller> _pollers = [];

    private SyncTargetReconciler Reconciler() =>
        new(Agent, _state, key => _pollers.TryGetValue(key, out var p) ? p : _pollers[key] = new Poller(), _outbox,
            new RepositoryReadLimits(1 << 20, 1 << 20, 100), NullLogger.Instance);

    private static ManifestProject Project(string name, string repository = "https://git.example/shop.git") =>
        new(name, repository, "main", ["deploy/*.yaml"], "shop", Prune: true);

    private Poller PollerOf(ManifestProject project) => _pollers[RepositoryKey.Format(project.Repository, project.Ref)];

    [Fact]
    public async Task A_new_project_is_watched_read_at_its_commit_and_sent_as_a_sync()
    {
        var shop = Project("shop");
        _pollers[RepositoryKey.Format(shop.Repository, shop.Ref)] = new Poller { Commit = "c1", Files = [new RepositoryFile("deploy/a.yaml", ConfigMap)] };

        await Reconciler().ReconcileAsync([shop]);

        Assert.Equal([Agent], PollerOf(shop).Watchers);
        var sync = Assert.Single(_outbox.Pushes).Sync!;
        Assert.Equal(("shop", "c1", 1, true, false), (sync.Target, sync.Commit, sync.Documents.Count, sync.Prune, sync.Removed));
        Assert.Equal(1, _state.Generation);
        Assert.Equal(("c1", 1), (_state.Targets["shop"].Commit, _state.Targets["shop"].Documents));
        Assert.True(_outbox.Saves > 0);
        Assert.Equal(2, _outbox.StatusPublications);
    }

    [Fact]
    public async Task A_project_that_is_gone_is_sent_as_removed_and_its_repository_unwatched()
    {
        var shop = Project("shop");
        var blog = Project("blog", "https://git.example/blog.git");
        _pollers[RepositoryKey.Format(shop.Repository, shop.Ref)] = new Poller { Commit = "c1", Files = [new RepositoryFile("deploy/a.yaml", ConfigMap)] };
        _pollers[RepositoryKey.Format(blog.Repository, blog.Ref)] = new Poller { Commit = "b1", Files = [new RepositoryFile("deploy/a.yaml", ConfigMap)] };
        var reconciler = Reconciler();
        await reconciler.ReconcileAsync([shop, blog]);
        _outbox.Pushes.Clear();

        await reconciler.ReconcileAsync([shop]);

        var removed = Assert.Single(_outbox.Pushes).Sync!;
        Assert.Equal(("blog", "b1", true), (removed.Target, removed.Commit, removed.Removed));
        Assert.Empty(PollerOf(blog).Watchers);
        Assert.Equal([Agent], PollerOf(shop).Watchers);
        Assert.Equal(["shop"], _state.Targets.Keys);
        Assert.Equal(["shop"], (await reconciler.SyncsAsync()).Select(s => s.Target));
    }

    [Fact]
    public async Task A_commit_whose_manifests_cannot_be_read_keeps_the_previous_sync()
    {
        var shop = Project("shop");
        var poller = _pollers[RepositoryKey.Format(shop.Repository, shop.Ref)] = new Poller { Commit = "c1", Files = [new RepositoryFile("deploy/a.yaml", ConfigMap)] };
        var reconciler = Reconciler();
        await reconciler.ReconcileAsync([shop]);
        _outbox.Pushes.Clear();
        (poller.Files, poller.Errors) = ([], ["deploy/a.yaml: too large"]);

        await reconciler.OnCommitAsync(RepositoryKey.Format(shop.Repository, shop.Ref), "c2");

        Assert.Empty(_outbox.Pushes);
        Assert.Equal("c1", _state.Targets["shop"].Commit);
        Assert.Equal(["deploy/a.yaml: too large"], _state.Targets["shop"].ReadErrors);
        Assert.Equal("c1", Assert.Single(await reconciler.SyncsAsync()).Commit);
        Assert.Equal(["deploy/a.yaml: too large"], Assert.Single(reconciler.Status(DateTimeOffset.UnixEpoch).Targets).ReadErrors);
    }

    [Fact]
    public async Task A_report_on_an_unknown_target_changes_nothing()
    {
        await Reconciler().ReportAsync(new ManifestSyncReportRecord("nothing", "c1", DateTimeOffset.UnixEpoch, Reapply: false, []));

        Assert.Equal((0, 0), (_outbox.Saves, _outbox.StatusPublications));
    }

    private sealed class Outbox : IAgentConfigOutbox
    {
        public List<AgentConfigPush> Pushes { get; } = [];

        public int Saves { get; private set; }

        public int StatusPublications { get; private set; }

        public Task SaveAsync()
        {
            Saves++;
            return Task.CompletedTask;
        }

        public Task PushAsync(AgentConfigPush push)
        {
            Pushes.Add(push);
            return Task.CompletedTask;
        }

        public Task PublishSyncStatusAsync()
        {
            StatusPublications++;
            return Task.CompletedTask;
        }
    }

    private sealed class Poller : IRepositoryPollerGrain
    {
        public string? Commit { get; init; }

        public List<RepositoryFile> Files { get; set; } = [];

        public List<string> Errors { get; set; } = [];

        public List<string> Watchers { get; } = [];

        public Task<RepositoryPollStatus> Watch(string agentName)
        {
            if (!Watchers.Contains(agentName))
            {
                Watchers.Add(agentName);
            }

            return GetStatus();
        }

        public Task Unwatch(string agentName)
        {
            Watchers.Remove(agentName);
            return Task.CompletedTask;
        }

        public Task<RepositoryPollStatus> Poke() => GetStatus();

        public Task<RepositoryPollStatus> GetStatus() =>
            Task.FromResult(new RepositoryPollStatus("", "", Commit, null, null, 0, null, Watchers.Count, 0, 0));

        public Task<RepositoryFileSet> ReadFiles(string commit, IReadOnlyList<string> patterns, RepositoryReadLimits limits) =>
            Task.FromResult(new RepositoryFileSet(commit, Files, Errors));
    }
}
