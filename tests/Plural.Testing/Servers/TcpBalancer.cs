using System.Net;
using System.Net.Sockets;

namespace Plural.Testing.Servers;

/// <summary>
/// A plain TCP load balancer on 127.0.0.1 with no affinity of any kind (no sticky sessions) that copies bytes both
/// ways. <see cref="RoundRobin"/> sends each new connection to the next backend in turn; <see cref="Failover"/> to the
/// first backend in the list that is ready (its <c>/readyz</c> answers 200, as Kubernetes keeps only ready pods behind
/// a Service), so everyone stays on the primary until it stops being ready. Either way a backend that refuses the
/// connection (it has exited) is skipped for the next. When either side of a flow
/// closes or fails, both are closed, as a balancer forgetting a dead flow would. Remembers where each connection went.
/// </summary>
public sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<int> _backendPorts;
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly bool _rotate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<int> _routed = [];
    private readonly List<Task> _flows = [];
    private readonly Task _accepting;
    private long _bytesToBackends;
    private long _bytesToClients;

    private TcpBalancer(TcpListener listener, IReadOnlyList<int> backendPorts, bool rotate)
    {
        _listener = listener;
        _backendPorts = backendPorts;
        _rotate = rotate;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes relayed from clients to backends so far, over all connections.</summary>
    public long BytesToBackends => Interlocked.Read(ref _bytesToBackends);

    /// <summary>Bytes relayed from backends to clients so far, over all connections.</summary>
    public long BytesToClients => Interlocked.Read(ref _bytesToClients);

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

    /// <summary>Listens on a free loopback port and sends connections to the loopback <paramref name="backendPorts"/> in turn.</summary>
    public static TcpBalancer RoundRobin(params int[] backendPorts) => Start(backendPorts, rotate: true);

    /// <summary>Listens on a free loopback port and sends connections to the first of <paramref name="backendPorts"/> that is ready.</summary>
    public static TcpBalancer Failover(params int[] backendPorts) => Start(backendPorts, rotate: false);

    private static TcpBalancer Start(int[] backendPorts, bool rotate)
    {
        if (backendPorts.Length == 0)
        {
            throw new ArgumentException("a balancer needs at least one backend", nameof(backendPorts));
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new TcpBalancer(listener, backendPorts, rotate);
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

            var first = _rotate ? next++ : 0;
            var order = Enumerable.Range(0, _backendPorts.Count).Select(i => _backendPorts[(first + i) % _backendPorts.Count]).ToList();
            lock (_gate)
            {
                _flows.Add(RelayAsync(client, order, ct));
            }
        }
    }

    private async Task<TcpClient?> ConnectAsync(IReadOnlyList<int> order, CancellationToken ct)
    {
        foreach (var port in order)
        {
            if (!_rotate && !await IsReadyAsync(port, ct))
            {
                continue;
            }

            var backend = new TcpClient { NoDelay = true };
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, ct);
                lock (_gate)
                {
                    _routed.Add(port);
                }

                return backend;
            }
            catch (SocketException)
            {
                // Refused: that backend is gone; the next one in line takes the connection.
                backend.Dispose();
            }
        }

        return null;
    }

    private static async Task<bool> IsReadyAsync(int port, CancellationToken ct)
    {
        try
        {
            using var answer = await Probe.GetAsync($"http://127.0.0.1:{port}/readyz", ct);
            return answer.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task RelayAsync(TcpClient client, IReadOnlyList<int> order, CancellationToken ct)
    {
        using (client)
        {
            client.NoDelay = true;
            try
            {
                using var backend = await ConnectAsync(order, ct);
                if (backend is null)
                {
                    return;
                }

                using var flow = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var fromClient = CopyCountingAsync(client.GetStream(), backend.GetStream(), () => ref _bytesToBackends, flow.Token);
                var fromBackend = CopyCountingAsync(backend.GetStream(), client.GetStream(), () => ref _bytesToClients, flow.Token);
                await Task.WhenAny(fromClient, fromBackend);
                await flow.CancelAsync();
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The flow is over, one way or the other; closing both ends below is all that is left to do.
            }
        }
    }

    private delegate ref long Counter();

    private static async Task CopyCountingAsync(Stream from, Stream to, Counter counter, CancellationToken ct)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
            Interlocked.Add(ref counter(), read);
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
