using k8s;
using System.Net;
using System.Text;
using System.Text.Json;
using Plural.KubeEmulator.Tests.Support;
using Plural.Testing.Servers;

namespace Plural.KubeEmulator.Tests.Proxy;

/// <summary>
/// What passes the proxy subresources on the way to a server in a pod and back: methods, paths, query strings and
/// bodies as sent, never the caller's credentials, and streamed answers piece by piece as the server sends them.
/// </summary>
public sealed class ProxyPassThroughTests
{
    private static readonly TimeSpan PieceTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_post_reaches_the_server_with_its_path_query_and_body_but_without_the_callers_credentials()
    {
        await using var server = await InClusterHttpServer.StartAsync();
        await using var cluster = await TestCluster.StartAsync();
        await BackedPods.CreateAsync(cluster, "echo", server.Url);
        using var http = cluster.Http();
        http.DefaultRequestHeaders.Add("Impersonate-User", "someone");
        http.DefaultRequestHeaders.Add("Impersonate-Group", "system:masters");

        using var response = await http.PostAsync($"/api/v1/namespaces/{BackedPods.Namespace}/services/echo:8080/proxy/echo/orders/7?expand=items&x=a%20b",
            new StringContent("{\"note\":\"hi\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal("/echo/orders/7", echo.GetProperty("path").GetString());
        Assert.Equal("?expand=items&x=a%20b", echo.GetProperty("query").GetString());
        Assert.Equal("{\"note\":\"hi\"}", echo.GetProperty("body").GetString());
        var headers = echo.GetProperty("headers").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.Contains("content-type", headers);
        Assert.DoesNotContain("authorization", headers);
        Assert.DoesNotContain("impersonate-user", headers);
        Assert.DoesNotContain("impersonate-group", headers);
    }

    [Theory]
    [InlineData("events", "text/event-stream")]
    [InlineData("chunks", "text/plain")]
    public async Task A_streamed_answer_arrives_piece_by_piece_while_the_server_is_still_sending(string endpoint, string mediaType)
    {
        await using var server = await InClusterHttpServer.StartAsync();
        await using var cluster = await TestCluster.StartAsync();
        await BackedPods.CreateAsync(cluster, "stream", server.Url);
        var pod = (await cluster.Client().CoreV1.ListNamespacedPodAsync(BackedPods.Namespace)).Items.Single().Metadata.Name;
        using var http = cluster.Http();
        http.Timeout = Timeout.InfiniteTimeSpan;

        foreach (var path in new[] { $"services/stream:8080/proxy/{endpoint}", $"pods/{pod}:8080/proxy/{endpoint}" })
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/{BackedPods.Namespace}/{path}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            // The server sends each next piece only once the test has read the one before: a buffered answer never ends.
            for (var piece = 1; piece <= 3; piece++)
            {
                using var timeout = new CancellationTokenSource(PieceTimeout);
                var line = await ReadUntilAsync(reader, $"piece {piece}", timeout.Token);
                Assert.EndsWith($"piece {piece}", line);
                server.Release();
            }
        }
    }

    [Fact]
    public async Task A_pod_port_without_a_backend_gets_the_emulators_hello_answer()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        var pod = (await cluster.Client().CoreV1.ListNamespacedPodAsync("demo")).Items.First().Metadata.Name;

        var hello = (await cluster.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/demo/pods/{pod}/proxy/status?verbose=1")).EnsureSuccess();
        var viaService = (await cluster.Kubectl.RunAsync("get", "--raw", "/api/v1/namespaces/demo/services/web/proxy/")).EnsureSuccess();

        Assert.Equal($"Hello from the kube emulator: pod demo/{pod}, port 80, GET /status?verbose=1\n", hello.Stdout);
        Assert.Matches(@"^Hello from the kube emulator: pod demo/web-[a-z0-9-]+, port 80, GET /\n$", viaService.Stdout);
    }

    [Fact]
    public async Task A_url_ending_at_proxy_is_redirected_to_proxy_slash_keeping_the_query()
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        using var http = cluster.Http(followRedirects: false);

        using var response = await http.GetAsync("/api/v1/namespaces/demo/services/web:80/proxy?a=1");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/api/v1/namespaces/demo/services/web:80/proxy/?a=1", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("services/missing/proxy/", 404, "NotFound", "endpoints \"missing\" not found")]
    [InlineData("services/missing:80/proxy/", 404, "NotFound", "services \"missing\" not found")]
    [InlineData("services/web:81/proxy/", 503, "ServiceUnavailable", "no service port 81 found for service \"web\"")]
    [InlineData("services/lonely/proxy/", 503, "ServiceUnavailable", "no endpoints available for service \"lonely\"")]
    [InlineData("services/ftp:web:80/proxy/", 400, "BadRequest", "invalid service request \"ftp:web:80\"")]
    [InlineData("pods/missing/proxy/", 404, "NotFound", "pods \"missing\" not found")]
    [InlineData("pods/a:b:c:d/proxy/", 400, "BadRequest", "invalid pod request \"a:b:c:d\"")]
    public async Task A_proxy_request_that_cannot_be_routed_gets_the_api_servers_status(string path, int code, string reason, string message)
    {
        await using var cluster = await TestCluster.StartAsync(empty: false);
        (await cluster.Kubectl.RunAsync("create", "service", "clusterip", "lonely", "--tcp=80:80", "-n", "demo")).EnsureSuccess();
        // As on a real cluster, the endpoints controller writes a new service's Endpoints a moment after the service.
        await Eventually.UntilAsync(() => cluster.Kubectl.RunAsync("get", "endpoints", "lonely", "-n", "demo"), r => r.ExitCode == 0,
            TimeSpan.FromSeconds(20), "the Endpoints of service lonely");
        using var http = cluster.Http();

        using var response = await http.GetAsync($"/api/v1/namespaces/demo/{path}");

        var status = await StatusBody.ReadAsync(response);
        Assert.Equal((code, reason, message), (status.Code, status.Reason, status.Message));
    }

    [Fact]
    public async Task A_backend_that_is_not_listening_is_a_500_naming_the_pod_address_it_dialled()
    {
        int closedPort;
        await using (var gone = await InClusterHttpServer.StartAsync())
        {
            closedPort = gone.Url.Port;
        }

        await using var cluster = await TestCluster.StartAsync();
        await BackedPods.CreateAsync(cluster, "down", new Uri($"http://127.0.0.1:{closedPort}"));
        var pod = (await cluster.Client().CoreV1.ListNamespacedPodAsync(BackedPods.Namespace)).Items.Single();
        using var http = cluster.Http();

        using var response = await http.GetAsync($"/api/v1/namespaces/{BackedPods.Namespace}/services/down:8080/proxy/echo/x");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"error trying to reach service: dial tcp {pod.Status.PodIP}:8080: connect: connection refused", status.GetProperty("message").GetString());
        Assert.False(status.TryGetProperty("reason", out _));
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, string text, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        }
        throw new EndOfStreamException($"the answer ended before \"{text}\"");
    }
}
