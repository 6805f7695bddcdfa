using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>
/// The exec, attach and port-forward endpoints at the protocol level, driven from bare TLS sockets the
/// way a forwarding agent relays them: handshakes, the API server's checks, and broken input.
/// </summary>
public sealed class StreamingProtocolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WebSocket_exec_handshake_written_by_hand_over_TLS_runs_the_command()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);

        var (connection, status, headers, socket) = await RawUpgrades.WebSocketAsync(
            cluster, "/api/v1/namespaces/default/pods/box/exec?command=sh&command=-c&command=echo%20hi%3B%20echo%20oops%20%3E%262%3B%20exit%205&stdout=true&stderr=true", "v5.channel.k8s.io", cts.Token);
        await using var _ = connection;
        var first = await ChannelMessages.ReceiveAsync(socket!, cts.Token);
        var rest = await ChannelMessages.ReceiveAllAsync(socket!, cts.Token);
        await socket!.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);

        Assert.Equal(101, status);
        Assert.Equal("v5.channel.k8s.io", headers["sec-websocket-protocol"]);
        Assert.Equal(((byte)1, ""), first);
        Assert.Equal("hi\n", rest[1]);
        Assert.Equal("oops\n", rest[2]);
        var exit = JsonNode.Parse(rest[3])!;
        Assert.Equal(("Failure", "NonZeroExitCode"), (exit["status"]!.GetValue<string>(), exit["reason"]!.GetValue<string>()));
        Assert.Equal("command terminated with non-zero exit code: error executing command [sh -c echo hi; echo oops >&2; exit 5], exit code 5", exit["message"]!.GetValue<string>());
        Assert.Equal("""[{"reason":"ExitCode","message":"5"}]""", exit["details"]!["causes"]!.ToJsonString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task V5_close_signal_ends_stdin_and_the_base64_protocol_carries_text()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);

        var (v5, _, _, socket) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/box/exec?command=cat&stdin=1&stdout=1", "v5.channel.k8s.io", cts.Token);
        await using var __ = v5;
        await ChannelMessages.SendAsync(socket!, 0, "through v5", cts.Token);
        await socket!.SendAsync(new byte[] { 255, 0 }, WebSocketMessageType.Binary, true, cts.Token);
        var v5Output = await ChannelMessages.ReceiveAllAsync(socket, cts.Token);

        var (b64, _, headers, text) = await RawUpgrades.WebSocketAsync(cluster, "/api/v1/namespaces/default/pods/box/exec?command=echo&command=b64&stdout=1", "v4.base64.channel.k8s.io", cts.Token);
        await using var ___ = b64;
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await text!.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            messages.Add(Encoding.ASCII.GetString(buffer, 0, result.Count));
        }

        Assert.Equal("through v5", v5Output[1]);
        Assert.Equal("""{"metadata":{},"status":"Success"}""", v5Output[3]);
        Assert.Equal("v4.base64.channel.k8s.io", headers["sec-websocket-protocol"]);
        Assert.Equal(["1", "1" + Convert.ToBase64String("b64\n"u8.ToArray()), "3" + Convert.ToBase64String("""{"metadata":{},"status":"Success"}"""u8.ToArray())], messages);
    }

    [Fact]
    public async Task Requests_that_are_not_upgrades_are_400_Upgrade_request_required()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var http = cluster.Http();

        var get = await http.GetAsync("/api/v1/namespaces/default/pods/box/exec?command=ls&stdout=true");
        var post = await http.PostAsync("/api/v1/namespaces/default/pods/box/portforward", null);
        var attach = await http.PostAsync("/api/v1/namespaces/default/pods/box/attach?stdout=true", null);

        foreach (var response in new[] { get, post, attach })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var status = await StatusBody.ReadAsync(response);
            Assert.Equal(("BadRequest", "Upgrade request required"), (status.Reason, status.Message));
        }
    }

    [Fact]
    public async Task Streaming_requests_are_checked_like_the_api_server_checks_them()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.JobPodRunTime = TimeSpan.FromMilliseconds(100));
        await Pods.RunningAsync(cluster, "duo", "default", "app", "sidecar");
        using var api = new ApiClient(cluster.Http());
        await api.PostAsync("/api/v1/namespaces/default/pods", """{"metadata":{"name":"done"},"spec":{"restartPolicy":"Never","containers":[{"name":"job","image":"busybox"}]}}""");
        await Eventually.UntilAsync(() => api.GetAsync("/api/v1/namespaces/default/pods/done"), p => p["status"]?["phase"]?.GetValue<string>() == "Succeeded", Timeout);
        using var viewer = cluster.Http(KubeEmulatorOptions.DefaultViewerToken);

        async Task<(HttpStatusCode, string)> Exec(HttpClient client, string pod, string query)
        {
            var response = await client.PostAsync($"/api/v1/namespaces/default/pods/{pod}/exec?{query}", null);
            return (response.StatusCode, (await StatusBody.ReadAsync(response)).Message);
        }

        Assert.Equal((HttpStatusCode.NotFound, "pods \"ghost\" not found"), await Exec(api.Http, "ghost", "command=ls&stdout=1"));
        Assert.Equal((HttpStatusCode.BadRequest, "a container name must be specified for pod duo, choose one of: [app sidecar]"), await Exec(api.Http, "duo", "command=ls&stdout=1"));
        Assert.Equal((HttpStatusCode.BadRequest, "container nope is not valid for pod duo"), await Exec(api.Http, "duo", "command=ls&stdout=1&container=nope"));
        Assert.Equal((HttpStatusCode.BadRequest, "container not found (\"job\")"), await Exec(api.Http, "done", "command=ls&stdout=1"));
        Assert.Equal((HttpStatusCode.BadRequest, "you must specify at least 1 of stdin, stdout, stderr"), await Exec(api.Http, "duo", "command=ls&container=app"));
        Assert.Equal((HttpStatusCode.BadRequest, "you must specify at least one command for the container"), await Exec(api.Http, "duo", "stdout=1&container=app"));
        var (forbidden, message) = await Exec(viewer, "duo", "command=ls&stdout=1&container=app");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("User \"viewer\" cannot create resource \"pods/exec\"", message);
        var put = await api.Http.PutAsync("/api/v1/namespaces/default/pods/duo/exec", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        var resources = await api.GetAsync("/api/v1");
        var exec = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "pods/exec")!;
        Assert.Equal("PodExecOptions", exec["kind"]!.GetValue<string>());
        Assert.Equal(["create", "get"], exec["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Spdy_handshake_without_a_shared_protocol_is_403_with_the_accepted_versions()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);

        var (exec, execStatus, execHeaders) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/exec?command=ls&stdout=1", cts.Token, "channel.k8s.io");
        await using var _ = exec;
        var (forward, forwardStatus, forwardHeaders) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        await using var __ = forward;

        Assert.Equal(403, execStatus);
        Assert.Equal("v5.channel.k8s.io,v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io", execHeaders["x-accepted-stream-protocol-versions"]);
        Assert.Equal(101, forwardStatus);
        Assert.Equal("portforward.k8s.io", forwardHeaders["x-stream-protocol-version"]);
        Assert.Equal("SPDY/3.1", forwardHeaders["upgrade"]);
    }

    [Fact]
    public async Task Spdy_port_forward_by_hand_pairs_streams_by_request_id_and_refuses_bad_streams()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        var (connection, status, _) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        await using var _ = connection;
        var spdy = new SpdyTestClient(connection.Stream);

        var noPort = await spdy.OpenStreamAsync([("streamtype", "data"), ("requestid", "7")], fin: false, cts.Token);
        var refused = await spdy.ExpectAsync(f => f.IsControl && f.Type == SpdyTestFrame.RstStream, cts.Token);
        var error = await spdy.OpenStreamAsync([("streamtype", "error"), ("port", "9000"), ("requestid", "0")], fin: true, cts.Token);
        await spdy.ExpectAsync(f => f.IsControl && f.Type == SpdyTestFrame.SynReply && f.StreamId == error, cts.Token);
        var data = await spdy.OpenStreamAsync([("streamtype", "data"), ("port", "9000"), ("requestid", "0")], fin: false, cts.Token);
        await spdy.ExpectAsync(f => f.IsControl && f.Type == SpdyTestFrame.SynReply && f.StreamId == data, cts.Token);
        await spdy.SendDataAsync(data, Encoding.UTF8.GetBytes("GET /by-hand HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), fin: false, cts.Token);
        var response = await spdy.ReadToFinAsync(data, cts.Token);
        var errors = await spdy.ReadToFinAsync(error, cts.Token);

        Assert.Equal(101, status);
        Assert.Equal(noPort, refused.StreamId);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.Contains("Connection: close\r\n", response);
        Assert.EndsWith("\r\n\r\nHello from the kube emulator: pod default/box, port 9000, GET /by-hand\n", response);
        Assert.Equal("", errors);
    }

    [Fact]
    public async Task Spdy_port_forward_request_missing_its_data_stream_gets_a_timeout_error()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.StreamCreationTimeout = TimeSpan.FromMilliseconds(500));
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        var (connection, _, _) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        await using var _ = connection;
        var spdy = new SpdyTestClient(connection.Stream);

        var error = await spdy.OpenStreamAsync([("streamtype", "error"), ("port", "80"), ("requestid", "3")], fin: true, cts.Token);
        var message = await spdy.ReadToFinAsync(error, cts.Token);

        Assert.Equal("timed out waiting for streams of request 3", message);
    }

    public static TheoryData<string, byte[]> MalformedSpdy => new()
    {
        { "SPDY/2 control frame", Frame(0x8002_0001u, 0, new byte[12]) },
        { "header block that is not zlib", Frame(0x8003_0001u, 0, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, .. "not zlib at all"u8.ToArray()]) },
        { "SYN_STREAM shorter than its fixed fields", Frame(0x8003_0001u, 0, [0, 0, 0, 1]) },
        { "data frame larger than the limit", Frame(0x0000_0001u, 0, [], declaredLength: 0xffffff) },
        { "control frame larger than the limit", Frame(0x8003_0004u, 0, [], declaredLength: 0x100000) },
        { "stream id 0", Frame(0x8003_0001u, 0, new byte[10]) },
    };

    private static byte[] Frame(uint first, byte flags, byte[] payload, int? declaredLength = null)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, first);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)(declaredLength ?? payload.Length));
        payload.CopyTo(frame, 8);
        return frame;
    }

    [Theory]
    [MemberData(nameof(MalformedSpdy))]
    public async Task Malformed_spdy_frames_end_the_connection_with_GOAWAY_and_the_server_keeps_serving(string what, byte[] frame)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        var (connection, _, _) = await RawUpgrades.SpdyAsync(cluster, "/api/v1/namespaces/default/pods/box/portforward", cts.Token, "portforward.k8s.io");
        await using var _ = connection;
        var spdy = new SpdyTestClient(connection.Stream);

        await spdy.SendRawAsync(frame, cts.Token);
        var goAway = await spdy.ExpectAsync(f => f.IsControl && f.Type == SpdyTestFrame.GoAway, cts.Token);
        var after = await spdy.ReadFrameAsync(cts.Token);
        var stillServing = await cluster.Kubectl.RunAsync("exec", "box", "--", "echo", "fine");

        Assert.True(goAway.Status == 1, $"{what}: GOAWAY status {goAway.Status}");
        Assert.Null(after);
        Assert.Equal("fine\n", stillServing.EnsureSuccess().Stdout);
        await Eventually.UntilAsync(() => Task.FromResult(cluster.Server.OpenStreamingSessions), n => n == 0, Timeout);
    }

    [Fact]
    public async Task Malformed_websocket_messages_close_the_session_and_the_server_keeps_serving()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var cts = new CancellationTokenSource(Timeout);
        const string Cat = "/api/v1/namespaces/default/pods/box/exec?command=cat&stdin=1&stdout=1";

        var (first, _, _, oversized) = await RawUpgrades.WebSocketAsync(cluster, Cat, "v5.channel.k8s.io", cts.Token);
        await using var _ = first;
        await oversized!.SendAsync(new byte[2 * 1024 * 1024], WebSocketMessageType.Binary, true, cts.Token);
        await ChannelMessages.ReceiveAllAsync(oversized, cts.Token);
        var (second, _, _, badClose) = await RawUpgrades.WebSocketAsync(cluster, Cat, "v5.channel.k8s.io", cts.Token);
        await using var __ = second;
        await badClose!.SendAsync(new byte[] { 255, 9, 9 }, WebSocketMessageType.Binary, true, cts.Token);
        await ChannelMessages.ReceiveAllAsync(badClose, cts.Token);
        var (third, status, _, refused) = await RawUpgrades.WebSocketAsync(cluster, Cat, "v9.channel.k8s.io", cts.Token);
        await using var ___ = third;
        var stillServing = await cluster.Kubectl.RunAsync("exec", "box", "--", "echo", "fine");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, oversized.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, badClose.CloseStatus);
        Assert.Equal(400, status);
        Assert.Null(refused);
        Assert.Equal("fine\n", stillServing.EnsureSuccess().Stdout);
    }
}
