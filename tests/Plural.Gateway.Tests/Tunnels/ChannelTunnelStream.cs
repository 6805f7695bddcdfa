using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// Both halves of one agent <c>Connect</c> stream, backed by channels as grpc-dotnet's own unit tests do: the test
/// plays the agent by writing <see cref="TunnelUp"/> frames and reading the <see cref="TunnelDown"/> frames the
/// gateway sent.
/// </summary>
internal sealed class ChannelTunnelStream : IAsyncStreamReader<TunnelUp>, IServerStreamWriter<TunnelDown>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Channel<TunnelUp> _up = Channel.CreateUnbounded<TunnelUp>();
    private readonly Channel<TunnelDown> _down = Channel.CreateUnbounded<TunnelDown>();

    public TunnelUp Current { get; private set; } = null!;

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Parks the stream as an idle tunnel of <paramref name="agent"/>; <paramref name="reusable"/> as if the agent declared <c>tunnel.reuse.v1</c>.</summary>
    public AgentTunnel Tunnel(string agent = "agent-a", string instance = "pod-1", string tokenId = "token-1", bool reusable = false) =>
        new(new AgentIdentity(agent, tokenId, "hash-" + tokenId), instance, this, this, CancellationToken.None, reusable);

    /// <summary>The agent sends a frame.</summary>
    public void Send(TunnelUp frame) => Assert.True(_up.Writer.TryWrite(frame));

    /// <summary>The agent ends its side of the stream, cleanly or with <paramref name="failure"/>.</summary>
    public void End(Exception? failure = null) => _up.Writer.TryComplete(failure);

    /// <summary>The next frame the gateway sent; fails the test when none comes.</summary>
    public async Task<TunnelDown> ReceiveAsync() => await _down.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>Every frame the gateway sent so far, without waiting.</summary>
    public List<TunnelDown> Drain()
    {
        var frames = new List<TunnelDown>();
        while (_down.Reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!await _up.Reader.WaitToReadAsync(cancellationToken) || !_up.Reader.TryRead(out var frame))
        {
            return false;
        }

        Current = frame;
        return true;
    }

    // Serialised during the write, as gRPC does: frames may wrap pooled buffers that are reused once the write completed.
    public Task WriteAsync(TunnelDown message) => _down.Writer.WriteAsync(Serialized(message)).AsTask();

    public Task WriteAsync(TunnelDown message, CancellationToken cancellationToken) =>
        _down.Writer.WriteAsync(Serialized(message), cancellationToken).AsTask();

    private static TunnelDown Serialized(TunnelDown message) => TunnelDown.Parser.ParseFrom(message.ToByteArray());
}
