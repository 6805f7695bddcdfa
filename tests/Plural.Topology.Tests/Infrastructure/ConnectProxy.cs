using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP CONNECT proxy, like the ones in front of corporate networks: it answers CONNECT only, checks
/// Basic credentials when given some, and records what was asked of it.
/// </summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string? _expectedAuthorization;
    private readonly Task _accepting;

    public ConnectProxy(string? user = null, string? password = null)
    {
        _expectedAuthorization = user is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Each CONNECT request: its target and the status the proxy answered.</summary>
    public ConcurrentQueue<(string Target, int Status)> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = await ReadHeadAsync(stream);
        var lines = head.Split("\r\n");
        var request = lines[0].Split(' ');
        var authorization = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase))?[20..].Trim();
        if (request.Length < 3 || request[0] != "CONNECT")
        {
            await RespondAsync(stream, request.ElementAtOrDefault(1) ?? "", 405, "Method Not Allowed");
            return;
        }

        if (_expectedAuthorization is not null && authorization != _expectedAuthorization)
        {
            await RespondAsync(stream, request[1], 407, "Proxy Authentication Required");
            return;
        }

        var target = request[1].Split(':');
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(target[0], int.Parse(target[1]));
        }
        catch (SocketException)
        {
            await RespondAsync(stream, request[1], 502, "Bad Gateway");
            return;
        }

        await RespondAsync(stream, request[1], 200, "Connection Established");
        var upstreamStream = upstream.GetStream();
        await Task.WhenAny(CopyAsync(stream, upstreamStream), CopyAsync(upstreamStream, stream));
    }

    private async Task RespondAsync(NetworkStream stream, string target, int status, string reason)
    {
        Requests.Enqueue((target, status));
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\n\r\n"));
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 8192)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    private async Task CopyAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
