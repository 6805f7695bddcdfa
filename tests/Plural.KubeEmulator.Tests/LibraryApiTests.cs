using System.Net;
using System.Net.Http.Headers;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>The in-process hosting contract: independent instances, token overrides, plain HTTP.</summary>
public sealed class LibraryApiTests
{
    [Fact]
    public async Task Two_emulators_in_one_process_keep_separate_state()
    {
        await using var first = await TestCluster.StartAsync();
        await using var second = await TestCluster.StartAsync();
        using var firstApi = new ApiClient(first.Http());
        using var secondApi = new ApiClient(second.Http());

        await firstApi.PostAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"only-here"}}""");

        Assert.NotEqual(first.Server.Url, second.Server.Url);
        await firstApi.GetAsync("/api/v1/namespaces/default/configmaps/only-here");
        await secondApi.GetAsync("/api/v1/namespaces/default/configmaps/only-here", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_overrides_replace_the_default_tokens()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.AdminToken = "custom-admin";
            o.AgentToken = "custom-agent";
        });
        using var defaults = cluster.Http(KubeEmulatorOptions.DefaultAdminToken);
        using var agent = cluster.Http("custom-agent");

        var rejected = await defaults.GetAsync("/api/v1/namespaces");
        var accepted = await agent.GetAsync("/api/v1/namespaces");

        Assert.Equal(("custom-admin", "custom-agent"), (cluster.Server.AdminToken, cluster.Server.AgentToken));
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        (await cluster.Kubectl.RunAsync("get", "namespaces")).EnsureSuccess();
    }

    [Fact]
    public async Task Plain_http_mode_serves_clients_that_send_tokens_over_http()
    {
        await using var server = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { UseTls = false, Empty = true });
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);

        var response = await http.GetAsync("/api/v1/nodes");

        Assert.Equal("http", server.Url.Scheme);
        Assert.Null(server.CertificateAuthorityPem);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Disposing_the_server_ends_open_watches_and_log_follows_promptly()
    {
        var cluster = await TestCluster.StartAsync(empty: false);
        using var http = cluster.Http();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = await WatchReader.OpenAsync(http, "/api/v1/pods?watch=1", cts.Token);
        await watch.NextAsync(cts.Token);
        var follow = cluster.Kubectl.Stream("logs", "-f", "-n", "demo", "deployment/web");
        await follow.WaitForLineAsync(_ => true, TimeSpan.FromSeconds(20));

        var timer = System.Diagnostics.Stopwatch.StartNew();
        await cluster.DisposeAsync();
        try
        {
            while (await watch.NextAsync(cts.Token) is not null)
            {
                // Drain whatever was in flight; the point is that the stream ends.
            }
        }
        catch (HttpRequestException)
        {
            // The connection closing mid-stream is an acceptable way to end.
        }
        catch (IOException)
        {
        }

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {timer.Elapsed}");
        Assert.True(await follow.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        await follow.DisposeAsync();
    }
}
