using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plural.AgentK.Transport;

/// <summary>
/// Opens a TCP tunnel to the gateway through an HTTP proxy with <c>CONNECT</c>, as corporate networks require.
/// TLS to the gateway (and HTTP/2 in clear text) then runs inside the tunnel, so the proxy sees only the host
/// and port.
/// </summary>
internal static class ProxyTunnel
{
    // A proxy's answer to CONNECT is a status line and a few headers; anything longer is not a proxy.
    private const int MaxResponseBytes = 16 * 1024;

    public static async ValueTask<Stream> ConnectAsync(Uri proxy, DnsEndPoint target, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(proxy.Host, proxy.Port), ct);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var authority = $"{target.Host}:{target.Port}";
            var request = new StringBuilder()
                .Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(authority).Append("\r\n");
            if (!string.IsNullOrEmpty(proxy.UserInfo))
            {
                var credentials = Uri.UnescapeDataString(proxy.UserInfo);
                request.Append("Proxy-Authorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))).Append("\r\n");
            }

            request.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), ct);
            var status = await ReadStatusAsync(stream, ct);
            if (status != 200)
            {
                throw new HttpRequestException($"proxy {proxy.Host}:{proxy.Port} refused to connect to {authority}: HTTP {status}", null, (HttpStatusCode)status);
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the proxy's response head byte by byte, so nothing of the tunnelled stream is consumed.</summary>
    private static async Task<int> ReadStatusAsync(Stream stream, CancellationToken ct)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < MaxResponseBytes)
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                throw new HttpRequestException("the proxy closed the connection before answering CONNECT");
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                var statusLine = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0];
                var parts = statusLine.Split(' ', 3);
                return parts.Length >= 2 && parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) && int.TryParse(parts[1], out var code)
                    ? code
                    : throw new HttpRequestException($"the proxy answered CONNECT with '{statusLine}', not an HTTP status line");
            }
        }

        throw new HttpRequestException($"the proxy's answer to CONNECT exceeded {MaxResponseBytes} bytes");
    }
}
