using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Cable;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Tests.Cable;

/// <summary>
/// A cable client talking to one <see cref="CableConnection"/> over a real WebSocket framed on in-memory pipes: the
/// protocol runs exactly as on the wire, without a server or a socket.
/// </summary>
internal sealed class CableClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly WebSocket _socket;

    private CableClient(WebSocket socket, Task run)
    {
        _socket = socket;
        Run = run;
    }

    /// <summary>The server side's <see cref="CableConnection.RunAsync"/>; completes when the connection is over.</summary>
    public Task Run { get; }

    public static CableClient Connect(CableHub hub, CableOptions options, Caller caller, TimeProvider clock)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverSocket = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        var clientSocket = WebSocket.CreateFromStream(new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        // Re-authentication is never due within a test: the fake clock only moves when a test moves it.
        var authenticator = new CallerAuthenticator(null!, null!, null!, Options.Create(new AccessOptions()), Options.Create(new GrainReadOptions()), clock,
            NullLogger<CallerAuthenticator>.Instance);
        var connection = new CableConnection(serverSocket, caller, "credential", hub, authenticator, options, clock,
            NullLogger.Instance, CancellationToken.None);
        return new CableClient(clientSocket, Task.Run(connection.RunAsync));
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task SubscribeAsync(string identifier) => CommandAsync("subscribe", identifier);

    public Task CommandAsync(string command, string identifier) =>
        SendAsync(JsonSerializer.Serialize(new { command, identifier }));

    /// <summary>The next message from the server, or null when the server closed the WebSocket.</summary>
    public async Task<JsonElement?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(Patience);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
            }
        }
    }

    /// <summary>The next message, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type)
    {
        var message = await ReceiveAsync();
        Assert.True(message.HasValue, $"expected {type}, the server closed the connection");
        Assert.Equal(type, message.Value.TryGetProperty("type", out var t) ? t.GetString() : "(message)");
        return message.Value;
    }

    /// <summary>The next message, which must be a subscription message; returns its <c>message</c> payload.</summary>
    public async Task<JsonElement> ExpectMessageAsync(string identifier)
    {
        var message = await ExpectAsync("(message)");
        Assert.Equal(identifier, message.GetProperty("identifier").GetString());
        return message.GetProperty("message");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }

            await Run.WaitAsync(Patience);
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => write.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => read.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => write.WriteAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                read.Dispose();
                write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>A channel whose stream the test drives: it publishes on the topic a subscription opened.</summary>
internal sealed class ScriptedChannel(string name, bool requiresAgent) : ICableChannel
{
    public string Name => name;

    public bool RequiresAgent => requiresAgent;

    /// <summary>Topics subscribed so far, by stream key.</summary>
    public Dictionary<string, CableTopic> Topics { get; } = [];

    /// <summary>When set, snapshots are refused with this reason.</summary>
    public string? Refusal { get; set; }

    public string KeyFor(string? agent) => agent ?? "fleet";

    public Task<IAsyncDisposable> SubscribeAsync(string key, CableTopic topic, CancellationToken ct)
    {
        Topics[key] = topic;
        return Task.FromResult<IAsyncDisposable>(new Nothing());
    }

    public Task<CableSnapshot> SnapshotAsync(Caller caller, string? agent, long sequence, string epoch, CancellationToken ct) =>
        Task.FromResult(Refusal is { } refusal
            ? CableSnapshot.Refused(refusal)
            : CableSnapshot.Of(Encoding.UTF8.GetBytes($$"""{"type":"snapshot","seq":{{sequence}},"epoch":"{{epoch}}"}""")));

    /// <summary>Publishes <c>{"seq":n,"agent":...}</c> about <paramref name="agent"/> on the topic of <paramref name="key"/>.</summary>
    public void Publish(string key, string agent) =>
        Topics[key].Publish(agent, (seq, _) => Encoding.UTF8.GetBytes($$"""{"seq":{{seq}},"agent":"{{agent}}"}"""));

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
