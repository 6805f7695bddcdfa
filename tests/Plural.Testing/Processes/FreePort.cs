using System.Net;
using System.Net.Sockets;

namespace Plural.Testing.Processes;

/// <summary>
/// Free loopback ports for servers started later, which take their port on the command line. They come from below
/// the kernel's ephemeral range: a gateway binds its ports only after it reached the silos, and meanwhile any outgoing
/// connection of any process could be given an ephemeral port picked here. A port is handed out once per process.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>A port nothing listens on right now and that this process has not handed out before.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (HandedOut.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    HandedOut.Add(port);
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
        }

        throw new InvalidOperationException($"no free port between {First} and {Last}");
    }
}
