using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Plural.Grains.Git;

namespace Plural.Grains.Tests.Git;

[Collection(GitCollection.Name)]
public sealed class GitMetricsTests(GitClusterFixture fixture)
{
    // Nothing listens on the discard port: every ref check fails at once.
    private const string Unreachable = "http://127.0.0.1:9/unreachable.git";

    private IRepositoryPollerGrain Poller(string url) =>
        fixture.Client.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, "main"));

    [Fact]
    public async Task Polls_by_result_fetches_durations_and_active_pollers_are_measured()
    {
        var factory = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>();
        using var recorder = new MeasurementRecorder(factory, GitMetrics.MeterName);
        var name = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Remote.Create(name, new Dictionary<string, string> { ["README.md"] = "one" });
        var url = fixture.Server.RepositoryUrl(name);
        try
        {
            await Poller(url).Watch("watcher-m");
            Assert.Equal(1, recorder.Sum(GitMetrics.Polls, "result=changed"));
            Assert.Equal(1, recorder.Sum(GitMetrics.Fetches, "result=ok"));
            Assert.Equal(1, recorder.Sum(GitMetrics.PollersActive));

            var second = fixture.Remote.Commit(name, new Dictionary<string, string> { ["README.md"] = "two" });
            Assert.Equal(second, (await Poller(url).Poke()).Commit);
            await Poller(url).Poke();
            // The timer may have seen the new commit before the first poke did; either way one poll saw each commit.
            Assert.Equal(2, recorder.Sum(GitMetrics.Polls, "result=changed"));
            Assert.Equal(2, recorder.Sum(GitMetrics.Fetches, "result=ok"));
            Assert.True(recorder.Sum(GitMetrics.Polls, "result=unchanged") >= 1, "no unchanged poll counted");

            var failing = await Poller(Unreachable).Watch("watcher-m");
            Assert.NotNull(failing.LastError);
            await Poller(Unreachable).Poke();
            Assert.True(recorder.Sum(GitMetrics.Polls, "result=failed") >= 2, "failed polls not counted");
            Assert.Equal(0, recorder.Sum(GitMetrics.Fetches, "result=failed"));
            Assert.Equal(2, recorder.Sum(GitMetrics.PollersActive));
        }
        finally
        {
            await Poller(url).Unwatch("watcher-m");
            await Poller(Unreachable).Unwatch("watcher-m");
        }

        Assert.Equal(0, recorder.Sum(GitMetrics.PollersActive));
        // Nothing polls any more: every poll counted has its duration recorded, with the same result.
        foreach (var result in new[] { "unchanged", "changed", "failed" })
        {
            Assert.Equal(recorder.Sum(GitMetrics.Polls, "result=" + result), recorder.Count(GitMetrics.PollDuration, "result=" + result));
        }

        Assert.InRange(recorder.Sum(GitMetrics.PollDuration) / recorder.Count(GitMetrics.PollDuration), 0, 30);
    }
}
