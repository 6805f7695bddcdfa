using System.Net;
using System.Net.Sockets;

namespace Plural.Testing.Servers;

/// <summary>
/// A plain TCP load balancer on 127.0.0.1 that sends each new connection to the next backend in turn, with no
/// affinity of any kind (no sticky sessions), and copies bytes both ways. When either side closes or fails, both
/// connections are closed, as a balancer forgetting a dead flow would. Remembers where each connection went.
/// </summary>
public sealed class RoundRobinTcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<int> _backendPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<int> _routed = [];
    private readonly List<Task> _flows = [];
    private readonly Task _accepting;

    private RoundRobinTcpBalancer(TcpListener listener, IReadOnlyList<int> backendPorts)
    {
        _listener = listener;
        _backendPorts = backendPorts;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The backend port each accepted connection was sent to, in order of arrival.</summary>
    public IReadOnlyList<int> Routed
    {
        get
        {
            lock (_gate)
            {
                return [.. _routed];
            }
        }
    }

    /// <summary>Listens on a free loopback port and balances over the loopback <paramref name="backendPorts"/>.</summary>
    public static RoundRobinTcpBalancer Start(params int[] backendPorts)
    {
        if (backendPorts.Length == 0)
        {
            throw new ArgumentException("a balancer needs at least one backend", nameof(backendPorts));
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RoundRobinTcpBalancer(listener, backendPorts);
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        var next = 0;
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var port = _backendPorts[next++ % _backendPorts.Count];
            lock (_gate)
            {
                _routed.Add(port);
                _flows.Add(RelayAsync(client, port, ct));
            }
        }
    }

    private static async Task RelayAsync(TcpClient client, int port, CancellationToken ct)
    {
        using var backend = new TcpClient { NoDelay = true };
        using (client)
        {
            client.NoDelay = true;
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, ct);
                using var flow = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var fromClient = client.GetStream().CopyToAsync(backend.GetStream(), flow.Token);
                var fromBackend = backend.GetStream().CopyToAsync(client.GetStream(), flow.Token);
                await Task.WhenAny(fromClient, fromBackend);
                await flow.CancelAsync();
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The flow is over, one way or the other; closing both ends below is all that is left to do.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] flows;
        lock (_gate)
        {
            flows = [.. _flows];
        }

        await Task.WhenAll(flows);
        _stop.Dispose();
    }
}
