using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Plural.Testing.Cable;

/// <summary>
/// A bare WebSocket speaking ActionCable by hand: for what the stock client never sends (bad input), and for
/// many cheap subscribers. <see cref="ReadAsync"/> skips pings; <see cref="ReadFrameAsync"/> returns them too.
/// </summary>
public sealed class RawCable : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawCable(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <summary>
    /// Connects; <paramref name="receiveBuffer"/> sets the client socket's kernel buffer, small values make a stalled
    /// client stall sooner; <paramref name="authority"/> is the CA a <c>wss://</c> gateway's certificate must chain to.
    /// </summary>
    public static async Task<RawCable> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure = null,
        int? receiveBuffer = null, CancellationToken ct = default, X509Certificate2? authority = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("actioncable-v1-json");
        configure?.Invoke(socket.Options);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer is { } size)
                {
                    s.ReceiveBufferSize = size;
                }

                await s.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        if (authority is not null)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { authority },
                RevocationMode = X509RevocationMode.NoCheck,
            };
        }

        await socket.ConnectAsync(url, new HttpMessageInvoker(handler), ct);
        return new RawCable(socket);
    }

    public Task SendAsync(string text, CancellationToken ct = default) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    public Task SubscribeAsync(string identifier, CancellationToken ct = default) =>
        SendAsync(new JsonObject { ["command"] = "subscribe", ["identifier"] = identifier }.ToJsonString(), ct);

    /// <summary>The next message that is not a ping; null when the server closed the connection.</summary>
    public async Task<JsonObject?> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await ReadFrameAsync(ct);
            if (message is null || (string?)message["type"] != "ping")
            {
                return message;
            }
        }
    }

    /// <summary>The next message, pings included; null when the server closed the connection.</summary>
    public async Task<JsonObject?> ReadFrameAsync(CancellationToken ct) =>
        await ReadBytesAsync(ct) is { } frame ? JsonNode.Parse(frame.Span)!.AsObject() : null;

    /// <summary>
    /// The next message's bytes, pings included, valid until the next read; null when the server closed the connection.
    /// For readers of many messages that parse only what they need.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>?> ReadBytesAsync(CancellationToken ct)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(_buffer.AsMemory(length), ct);
            length += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            // Not a conditional expression: its null would become an empty Memory through byte[]'s conversion.
            return null;
        }

        return _buffer.AsMemory(0, length);
    }

    /// <summary>Reads until a message matches; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> ReadUntilAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var message = await ReadAsync(cts.Token) ?? throw new InvalidOperationException("the server closed the connection");
            if (match(message))
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
