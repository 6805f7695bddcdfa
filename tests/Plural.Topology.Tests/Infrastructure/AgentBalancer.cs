using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// A TCP load balancer in front of the gateways' agent listeners, standing in for a Kubernetes Service: each
/// new connection goes to the next gateway whose <c>/readyz</c> answered 200 at the last check.
/// </summary>
internal sealed class AgentBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly GatewayReadiness _readiness;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _connectionsByGateway = new();
    private readonly Task _accepting;
    private int _next;

    public AgentBalancer(GatewayReadiness readiness)
    {
        _readiness = readiness;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        using var _ = client;
        var ready = _readiness.Ready;
        if (ready.Count == 0)
        {
            return;
        }

        var gateway = ready[(int)((uint)Interlocked.Increment(ref _next) % ready.Count)];
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await backend.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateway.AgentUrl.Port), _stop.Token);
            _connectionsByGateway.AddOrUpdate(gateway.Id, 1, (_, n) => n + 1);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var backendStream = new NetworkStream(backend, ownsSocket: false);
            var up = CopyAsync(clientStream, backend);
            var down = CopyAsync(backendStream, client);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            // The agent sees its connection end and dials again, as behind a real load balancer.
        }
    }

    private static async Task CopyAsync(Stream from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read));
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
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
