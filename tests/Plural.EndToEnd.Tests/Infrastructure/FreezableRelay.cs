using System.Net;
using System.Net.Sockets;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay that can go silent: <see cref="Freeze"/> stops forwarding bytes both ways while every socket
/// stays open (no FIN, no RST), as a dead NAT entry or a pulled cable looks to both ends. <see cref="Resume"/>
/// forwards again, including an end of stream either side sent meanwhile.
/// </summary>
internal sealed class FreezableRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = Open();

    public FreezableRelay(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the target.</summary>
    public Uri Url { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections { get; private set; }

    public void Freeze() => Interlocked.Exchange(ref _open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Resume() => _open.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await server.ConnectAsync(_target, _stop.Token);
                lock (_sockets)
                {
                    _sockets.AddRange([client, server]);
                    Connections++;
                }

                _ = Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                await _open.Task.WaitAsync(_stop.Token);
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                // Bytes read just before a freeze are held back too: a silent link delivers nothing.
                await _open.Task.WaitAsync(_stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side reset or the relay stopped; the other side learns it from its own socket.
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }

        _stop.Dispose();
    }
}
