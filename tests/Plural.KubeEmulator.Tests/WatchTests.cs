using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>Watch semantics under load: ordering, completeness, slow watchers, timeouts and bookmarks.</summary>
public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static async Task<string> ListVersionAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonObject>(ConfigMaps))!["metadata"]!["resourceVersion"]!.GetValue<string>();

    private static Task<HttpResponseMessage> CreateAsync(HttpClient http, string name, string data = "v") =>
        http.PostAsJsonAsync(ConfigMaps, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["k"] = data } });

    [Fact]
    public async Task Watch_under_concurrent_writers_delivers_every_event_once_in_commit_order()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var start = await ListVersionAsync(http);
        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&resourceVersion={start}", cts.Token);
        const int writers = 4, perWriter = 40;

        var writes = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var name = $"w{w}-{i}";
                (await CreateAsync(http, name)).EnsureSuccessStatusCode();
                var patch = new StringContent("{\"data\":{\"k\":\"changed\"}}", System.Text.Encoding.UTF8, "application/merge-patch+json");
                (await http.PatchAsync($"{ConfigMaps}/{name}", patch, cts.Token)).EnsureSuccessStatusCode();
            }
        })).ToList();
        var events = new List<WatchEvent>();
        while (events.Count < writers * perWriter * 2 && await watch.NextAsync(cts.Token) is { } e) events.Add(e);
        await Task.WhenAll(writes);
        using var resumed = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&resourceVersion={events[99].ResourceVersion}", cts.Token);
        var replay = new List<WatchEvent>();
        while (replay.Count < events.Count - 100 && await resumed.NextAsync(cts.Token) is { } r) replay.Add(r);

        Assert.Equal(writers * perWriter * 2, events.Count);
        Assert.Equal(events.Count, events.Select(e => (e.Type, e.Name)).Distinct().Count());
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.ResourceVersion < p.Second.ResourceVersion), "resource versions must strictly increase");
        Assert.All(events.GroupBy(e => e.Name), g => Assert.Equal(["ADDED", "MODIFIED"], g.Select(e => e.Type)));
        Assert.Equal(events.Skip(100), replay);
    }

    [Fact]
    public async Task A_watcher_that_stops_reading_is_ended_and_does_not_block_writers()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.WatcherBufferSize = 4);
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stalled = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&resourceVersion={await ListVersionAsync(http)}", cts.Token);
        var payload = new string('x', 256 * 1024);
        const int count = 60;

        var timer = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) (await CreateAsync(http, $"big-{i}", payload)).EnsureSuccessStatusCode();
        timer.Stop();
        var received = 0;
        while (await stalled.NextAsync(cts.Token) is not null) received++;

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(20), $"writes took {timer.Elapsed}");
        Assert.InRange(received, 0, count - 1);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(ConfigMaps)).StatusCode);
    }

    [Fact]
    public async Task Watch_ends_cleanly_when_timeoutSeconds_elapses()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var timer = Stopwatch.StartNew();

        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&timeoutSeconds=1&resourceVersion={await ListVersionAsync(http)}", cts.Token);
        var next = await watch.NextAsync(cts.Token);

        Assert.Null(next);
        Assert.InRange(timer.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Watch_with_allowWatchBookmarks_receives_bookmarks_at_the_current_version()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.BookmarkInterval = TimeSpan.FromMilliseconds(200));
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var start = long.Parse(await ListVersionAsync(http));
        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&allowWatchBookmarks=true&resourceVersion={start}", cts.Token);
        (await CreateAsync(http, "marked")).EnsureSuccessStatusCode();

        // A real API server may send a bookmark at any time, before the ADDED event too: read until one follows it.
        var events = new List<WatchEvent>();
        while (await watch.NextAsync(cts.Token) is { } e)
        {
            events.Add(e);
            if (e.Type == "BOOKMARK" && events.Any(seen => seen.Type != "BOOKMARK"))
            {
                break;
            }
        }

        var added = Assert.Single(events, e => e.Type != "BOOKMARK");
        Assert.Equal(("ADDED", "marked"), (added.Type, added.Name));
        var bookmark = events[^1];
        Assert.Equal("BOOKMARK", bookmark.Type);
        Assert.True(bookmark.ResourceVersion >= added.ResourceVersion, $"bookmark at {bookmark.ResourceVersion} after ADDED at {added.ResourceVersion}");
        // A bookmark never claims a version whose event it has not delivered yet, and versions never go back.
        Assert.All(events.TakeWhile(e => e != added), early => Assert.InRange(early.ResourceVersion, start, added.ResourceVersion - 1));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.ResourceVersion <= p.Second.ResourceVersion), string.Join(", ", events));
    }

    [Fact]
    public async Task Watch_without_a_resource_version_starts_with_the_current_objects()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        (await CreateAsync(http, "existing")).EnsureSuccessStatusCode();

        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&fieldSelector=metadata.name%3Dexisting", cts.Token);
        var first = await watch.NextAsync(cts.Token);

        Assert.Equal(("ADDED", "existing"), (first!.Type, first.Name));
    }

    [Fact]
    public async Task Watch_with_a_label_selector_reports_objects_leaving_the_selection_as_deleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&labelSelector=team%3Dblue&resourceVersion={await ListVersionAsync(http)}", cts.Token);

        (await http.PostAsJsonAsync(ConfigMaps, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "moving", ["labels"] = new JsonObject { ["team"] = "blue" } } })).EnsureSuccessStatusCode();
        await http.PostAsJsonAsync(ConfigMaps, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other", ["labels"] = new JsonObject { ["team"] = "red" } } });
        var relabel = new StringContent("{\"metadata\":{\"labels\":{\"team\":\"red\"}}}", System.Text.Encoding.UTF8, "application/merge-patch+json");
        (await http.PatchAsync($"{ConfigMaps}/moving", relabel, cts.Token)).EnsureSuccessStatusCode();

        var added = await watch.NextAsync(cts.Token);
        var left = await watch.NextAsync(cts.Token);

        Assert.Equal(("ADDED", "moving"), (added!.Type, added.Name));
        Assert.Equal(("DELETED", "moving"), (left!.Type, left.Name));
    }

    [Fact]
    public async Task Watch_with_sendInitialEvents_marks_the_end_of_the_initial_state_with_a_bookmark()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        (await CreateAsync(http, "initial")).EnsureSuccessStatusCode();

        using var watch = await WatchReader.OpenAsync(http, $"{ConfigMaps}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dinitial", cts.Token);
        var first = await watch.NextAsync(cts.Token);
        var bookmark = await watch.NextAsync(cts.Token);

        Assert.Equal(("ADDED", "initial"), (first!.Type, first.Name));
        Assert.Equal("BOOKMARK", bookmark!.Type);
        Assert.True(bookmark.ResourceVersion >= first.ResourceVersion);
    }
}
