using Plural.Grains.Git;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Git;

[Collection(GitCollection.Name)]
public sealed class RepositoryPollerTests(GitClusterFixture fixture)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(60);

    private IRepositoryPollerGrain Poller(string url) =>
        fixture.Client.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, "main"));

    [Fact]
    public async Task A_new_commit_is_published_within_a_poll_with_old_and_new_commit()
    {
        var name = "published-" + Guid.NewGuid().ToString("N")[..8];
        var first = fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        await using var commits = await StreamRecorder<RepositoryCommit>.StartAsync(fixture.Client, StreamNames.RepositoryCommits, RepositoryKey.Format(url, "main"));
        try
        {
            var watched = await Poller(url).Watch("watcher-a");
            Assert.True(first == watched.Commit, $"watched at {watched.Commit}: {watched.LastError}");

            var second = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });

            var seen = await commits.WaitForAsync(c => c.NewCommit == second, Eventually, "the new commit on the stream");
            Assert.Equal(first, seen.OldCommit);
            Assert.Equal(url, seen.Repository);
            Assert.Equal("main", seen.Ref);
        }
        finally
        {
            await Poller(url).Unwatch("watcher-a");
        }
    }

    [Fact]
    public async Task A_watched_poller_keeps_polling_past_the_idle_collection_age()
    {
        var name = "idle-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        await using var commits = await StreamRecorder<RepositoryCommit>.StartAsync(fixture.Client, StreamNames.RepositoryCommits, RepositoryKey.Format(url, "main"));
        try
        {
            await Poller(url).Watch("watcher-b");

            // Nobody calls the grain for well past the collection age: only its own timer could notice the next commit.
            await Task.Delay(GitClusterFixture.CollectionAge * 4);
            var later = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });

            await commits.WaitForAsync(c => c.NewCommit == later, Eventually, "a commit pushed after the collection age");
            var status = await Poller(url).GetStatus();
            // Counters live in the activation: this many checks means it was never collected and re-created.
            Assert.True(status.RefChecks >= 4, $"only {status.RefChecks} ref checks in one activation");
        }
        finally
        {
            await Poller(url).Unwatch("watcher-b");
        }
    }

    [Fact]
    public async Task Unchanged_repositories_cost_only_ref_checks_and_no_fetch()
    {
        const int repositories = 200, polls = 10;
        var name = "unchanged-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "same" });
        var names = Enumerable.Range(0, repositories).Select(i => $"{name}-{i}").ToList();
        var urls = names.Select(n =>
        {
            fixture.Remote.Alias(name, n);
            return fixture.Server.RepositoryUrl(n);
        }).ToList();
        // Pollers of other tests share the server, so fetches are counted for these repositories only.
        long Fetches() => names.Sum(fixture.Server.UploadPacksTo);
        try
        {
            // In small batches: each first watch checks and fetches before it answers.
            foreach (var batch in urls.Chunk(10))
            {
                await Task.WhenAll(batch.Select(u => Poller(u).Watch("watcher-c")));
            }

            // A first check that failed on a loaded machine (a timeout) answers without a commit and fetches at the
            // next poll: the repositories are unchanged only once every poller holds its commit.
            await GitClusterFixture.EventuallyAsync(async () =>
                (await StatusesAsync(urls)).All(s => s.Commit is not null) ? urls : null,
                TimeSpan.FromSeconds(120), $"a first commit in each of {repositories} pollers");

            var refsBefore = fixture.Server.RefAdvertisements;
            var packsBefore = Fetches();
            var checksBefore = (await StatusesAsync(urls)).ToDictionary(s => s.Repository, s => s.RefChecks);

            await GitClusterFixture.EventuallyAsync(async () =>
            {
                var statuses = await StatusesAsync(urls);
                return statuses.All(s => s.RefChecks - checksBefore[s.Repository] >= polls) ? statuses : null;
            }, TimeSpan.FromSeconds(300), $"{polls} polls of each of {repositories} repositories");

            Assert.Equal(packsBefore, Fetches());
            Assert.True(fixture.Server.RefAdvertisements - refsBefore >= repositories * polls,
                $"{fixture.Server.RefAdvertisements - refsBefore} ref advertisements for {repositories * polls} polls");
            // Counted per activation: one that a loaded silo re-created finds the repository in the silo's disk cache
            // and fetches nothing, which the server's unchanged upload-pack count above already shows.
            var final = await StatusesAsync(urls);
            Assert.All(final, s => Assert.InRange(s.Fetches, 0, 1));
        }
        finally
        {
            foreach (var batch in urls.Chunk(20))
            {
                await Task.WhenAll(batch.Select(u => Poller(u).Unwatch("watcher-c")));
            }
        }
    }

    private async Task<List<RepositoryPollStatus>> StatusesAsync(IEnumerable<string> urls)
    {
        var statuses = new List<RepositoryPollStatus>();
        foreach (var batch in urls.Chunk(20))
        {
            statuses.AddRange(await Task.WhenAll(batch.Select(u => Poller(u).GetStatus())));
        }

        return statuses;
    }

    [Fact]
    public async Task A_repository_over_ssh_is_polled_with_its_deploy_key_and_one_with_an_unpinned_host_key_shows_why()
    {
        var name = "over-ssh-" + Guid.NewGuid().ToString("N")[..8];
        var spoofed = GitClusterFixture.SpoofedPrefix + Guid.NewGuid().ToString("N")[..8];
        var first = fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        fixture.Remote.Create(spoofed, new Dictionary<string, string> { ["README.md"] = "one" });
        var (url, spoofedUrl) = (fixture.Ssh.RepositoryUrl(name), fixture.Ssh.RepositoryUrl(spoofed));
        await using var commits = await StreamRecorder<RepositoryCommit>.StartAsync(fixture.Client, StreamNames.RepositoryCommits, RepositoryKey.Format(url, "main"));
        try
        {
            var watched = await Poller(url).Watch("watcher-ssh");
            var refused = await Poller(spoofedUrl).Watch("watcher-ssh");
            Assert.True(first == watched.Commit, $"watched at {watched.Commit}: {watched.LastError}");
            Assert.Null(refused.Commit);
            Assert.Contains($"the server's host key is not one pinned in {fixture.Ssh.OtherKnownHosts}", refused.LastError);

            var second = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });
            await commits.WaitForAsync(c => c.NewCommit == second, Eventually, "the new commit over ssh on the stream");
        }
        finally
        {
            await Poller(url).Unwatch("watcher-ssh");
            await Poller(spoofedUrl).Unwatch("watcher-ssh");
        }
    }

    [Fact]
    public async Task An_unreachable_repository_backs_off_shows_why_and_recovers_by_itself()
    {
        var name = "flaky-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        try
        {
            await Poller(url).Watch("watcher-d");
            fixture.Server.Available = false;

            var failing = await GitClusterFixture.EventuallyAsync(async () =>
                await Poller(url).GetStatus() is { ConsecutiveFailures: >= 3 } s ? s : null, Eventually, "three failed polls");
            Assert.Contains("503", failing.LastError);
            // From the second failure on, checks are spaced wider than the interval (up to Git:MaxBackoff).
            Assert.True(failing.NextPollAt - failing.LastCheckedAt > GitClusterFixture.PollInterval * 1.5,
                $"next poll {failing.NextPollAt} only {failing.NextPollAt - failing.LastCheckedAt} after the last check");

            var recovered = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });
            fixture.Server.Available = true;

            var status = await GitClusterFixture.EventuallyAsync(async () =>
                await Poller(url).GetStatus() is { Commit: var c } s && c == recovered ? s : null, Eventually, "recovery");
            Assert.Null(status.LastError);
            Assert.Equal(0, status.ConsecutiveFailures);
        }
        finally
        {
            fixture.Server.Available = true;
            await Poller(url).Unwatch("watcher-d");
        }
    }

    [Fact]
    public async Task A_poller_is_deactivated_after_its_last_watcher_unwatches_and_polls_no_more()
    {
        var name = "unwatched-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        var poller = Poller(url);
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await poller.Watch("watcher-g");
        await poller.Watch("watcher-h");

        await poller.Unwatch("watcher-g");
        var requestsWithOne = fixture.Server.RequestsTo(name);
        await GitClusterFixture.EventuallyAsync(async () =>
        {
            await Task.Yield();
            return fixture.Server.RequestsTo(name) >= requestsWithOne + 2 ? "polled" : null;
        }, Eventually, "two more polls while one watcher is left");

        await poller.Unwatch("watcher-h");
        await GitClusterFixture.EventuallyAsync(async () =>
            (await management.GetActiveGrains(poller.GetGrainId().Type)).Contains(poller.GetGrainId()) ? null : "gone",
            Eventually, "the poller's deactivation");
        var requestsAfter = fixture.Server.RequestsTo(name);
        await Task.Delay(GitClusterFixture.PollInterval * 3);

        Assert.Equal(requestsAfter, fixture.Server.RequestsTo(name));
        Assert.DoesNotContain(poller.GetGrainId(), await management.GetActiveGrains(poller.GetGrainId().Type));
    }

    [Fact]
    public async Task A_push_notification_checks_the_remote_at_once()
    {
        var name = "pushed-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        try
        {
            await Poller(url).Watch("watcher-e");
            var pushed = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });

            var refs = await fixture.Client.GetGrain<IRepositoryRefsGrain>(url).List();
            var poked = await fixture.Client.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, Assert.Single(refs))).Poke();

            Assert.True(pushed == poked.Commit, $"poked at {poked.Commit}: {poked.LastError}");
        }
        finally
        {
            await Poller(url).Unwatch("watcher-e");
        }
    }

    [Fact]
    public async Task Credentials_from_server_configuration_open_private_repositories_and_never_show()
    {
        var name = GitHttpServer.PrivatePrefix + Guid.NewGuid().ToString("N")[..8];
        var commit = fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "secret" });
        var url = fixture.Server.RepositoryUrl(name);
        try
        {
            var status = await Poller(url).Watch("watcher-f");

            Assert.True(commit == status.Commit, $"watched at {status.Commit}: {status.LastError}");
            var files = await Poller(url).ReadFiles(commit, ["README.md"], new RepositoryReadLimits(1024, 1024, 10));
            Assert.Equal("secret", Assert.Single(files.Files).Content);
        }
        finally
        {
            await Poller(url).Unwatch("watcher-f");
        }
    }

    [Fact]
    public async Task A_private_repository_without_matching_credentials_reports_an_error_without_secrets()
    {
        var name = GitHttpServer.PrivatePrefix + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "secret" });
        // Credentials are matched by URL prefix; "localhost" is not the configured "127.0.0.1" prefix.
        var url = fixture.Server.RepositoryUrl(name).Replace("127.0.0.1", "localhost");
        try
        {
            var status = await Poller(url).Watch("watcher-g");

            Assert.Null(status.Commit);
            Assert.NotNull(status.LastError);
            Assert.DoesNotContain("s3cret", status.LastError);
        }
        finally
        {
            await Poller(url).Unwatch("watcher-g");
        }
    }
}
