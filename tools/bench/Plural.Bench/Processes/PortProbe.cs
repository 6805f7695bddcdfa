using System.Net;
using System.Net.Sockets;

namespace Plural.Bench.Processes;

/// <summary>Waits for a child process to accept connections on the port it was given.</summary>
public static class PortProbe
{
    /// <summary>Waits until something accepts TCP connections on the port; fails early when <paramref name="owner"/> exits.</summary>
    public static async Task WaitListeningAsync(int port, ChildProcess owner, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            owner.ThrowIfExited();
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"{owner.Name} did not listen on port {port} within {timeout}: {ex.Message}\n{owner.Output}");
            }
        }
    }
}
