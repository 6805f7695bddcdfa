using System.Net.Sockets;
using System.Text;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>
/// An HTTP/1.1 connection driven byte by byte, for requests no well-behaved client library would send: conflicting
/// framing headers, raw CR LF, bodies that trickle in, requests that stop half way.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri server, CancellationToken ct)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, ct);
        return new RawHttpConnection(client);
    }

    /// <summary>Sends bytes as they are (the text is ASCII; "\r\n" must be written out).</summary>
    public async Task SendAsync(string text, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct);
        await _stream.FlushAsync(ct);
    }

    /// <summary>Reads until the server closes the connection or <paramref name="ct"/> fires; returns what arrived.</summary>
    public async Task<string> ReadToCloseAsync(CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, ct)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // A reset or the deadline: what arrived before it is the answer.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>Reads until the text received so far contains <paramref name="marker"/> (or the connection ends).</summary>
    public async Task<string> ReadUntilAsync(string marker, CancellationToken ct)
    {
        var received = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            int read;
            while (!received.ToString().Contains(marker, StringComparison.Ordinal) && (read = await _stream.ReadAsync(buffer, ct)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
        }

        return received.ToString();
    }

    public void Dispose() => _client.Dispose();
}
