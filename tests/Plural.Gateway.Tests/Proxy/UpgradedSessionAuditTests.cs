using System.Net;
using System.Net.Sockets;
using System.Text;
using Plural.Grains.Access;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>
/// An exec session through <c>/k8s-proxy</c> as kubectl opens it (a switch of protocols): audited once, when the
/// connection closes, with every byte it carried each way, its duration, its command and container, and the identity
/// the cluster saw.
/// </summary>
public sealed class UpgradedSessionAuditTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private ProxyHost _host = null!;

    public async Task InitializeAsync() => _host = await ProxyHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_exec_session_is_audited_when_it_ends_with_its_bytes_duration_command_and_container()
    {
        var agent = _host.Park("prod", new FakeAgent());
        using var cts = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.Address.Port, cts.Token);
        var caller = tcp.GetStream();
        var request =
            "POST /k8s-proxy/prod/api/v1/namespaces/shop/pods/web-0/exec?command=sh&command=-c&command=echo%20hi&container=app&stdout=true&token=never-audited HTTP/1.1\r\n" +
            "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n" +
            $"Authorization: Bearer {ProxyHost.Jwt("alice", "prod")}\r\n\r\n";
        await caller.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
        await agent.Request.WaitAsync(cts.Token);

        agent.Head(101).Body("0123456789"); // 10 bytes to the caller
        var (head, early) = await ReadHeadAsync(caller, cts.Token);
        var output = early + await ReadTextAsync(caller, 10 - early.Length, cts.Token);
        await caller.WriteAsync("input!!"u8.ToArray(), cts.Token); // 7 bytes from the caller
        await ProxyHost.EventuallyAsync(() => agent.Uploaded == 7);
        await Task.Delay(300);
        var auditedWhileOpen = _host.Audited.Count;
        agent.End();

        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Equal("0123456789", output);
        Assert.Equal(0, auditedWhileOpen);
        await ProxyHost.EventuallyAsync(() => _host.Audited.Count == 1);
        var logged = _host.Audited.Single();
        Assert.Equal(("alice", "create", "pods", "exec", 101), ((string)logged["User"]!, (string)logged["Verb"]!,
            (string)logged["Resource"]!, (string)logged["Subresource"]!, (int)logged["Status"]!));
        Assert.Equal(("sh -c echo hi", "app", 7L, 10L), ((string)logged["Command"]!, (string)logged["Container"]!, (long)logged["BytesIn"]!, (long)logged["BytesOut"]!));
        Assert.True((double)logged["DurationMs"]! >= 300, $"the session lasted at least 300 ms, recorded {logged["DurationMs"]}");
        Assert.Equal(("main-app-jwt", "k8s-proxy"), ((string)logged["CallerKind"]!, (string)logged["Route"]!));

        Assert.True(_host.AuditTrail.Buffered.TryRead(out var kept));
        Assert.Equal(("shop", "web-0"), (kept!.Request.Namespace, kept.Request.Name));
        Assert.Equal(["sh", "-c", "echo hi"], kept.Session!.Command);
        Assert.Equal(ClusterIdentityMode.ImpersonateUser, kept.ClusterIdentity!.Mode);
        Assert.Equal("plural:user:alice", kept.ClusterIdentity.User);
        Assert.DoesNotContain("never-audited", string.Join(' ', logged.Values.Values.Select(v => v?.ToString())));
        // Metrics count the session's bytes too.
        await ProxyHost.EventuallyAsync(() => _host.MeasuredBytes("to_agent") == 7 && _host.MeasuredBytes("from_agent") == 10);
    }

    /// <summary>The response head, and whatever bytes of the upgraded connection came in the same reads.</summary>
    private static async Task<(string Head, string Early)> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            Assert.True(read > 0, "the gateway closed the connection before the response head");
            received.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return (text[..end], text[(end + 4)..]);
            }
        }
    }

    private static async Task<string> ReadTextAsync(NetworkStream stream, int count, CancellationToken ct)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, ct);
        return Encoding.ASCII.GetString(bytes);
    }
}
