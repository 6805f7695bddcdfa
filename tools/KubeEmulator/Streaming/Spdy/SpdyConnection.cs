using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>
/// The server side of one SPDY/3.1 connection the way Kubernetes uses it: the client opens every
/// stream, the server answers each with SYN_REPLY and then both exchange data frames. As in the Go
/// implementation kubectl uses, there is no flow control (WINDOW_UPDATE and SETTINGS are read and
/// ignored): a stream whose reader falls behind holds up the connection's reader. The server pings the
/// client every keep-alive interval and ends the connection when nothing has arrived for four of them.
/// </summary>
internal sealed partial class SpdyConnection : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly TimeSpan _keepAlive;
    private readonly ILogger _logger;
    private readonly SpdyHeaderDecompressor _decompressor = new(StreamingLimits.MaxHeaderBlockBytes);
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly SpdyFrameWriter _writer;
    private uint _lastClientStreamId;
    private uint _nextPingId;
    private long _lastReceived = Environment.TickCount64;
    private int _goAwaySent;

    public SpdyConnection(Stream transport, TimeSpan keepAlive, ILogger logger)
    {
        _transport = transport;
        _keepAlive = keepAlive;
        _logger = logger;
        _writer = new SpdyFrameWriter(transport, _closed);
    }

    /// <summary>Cancelled once the connection is gone: the client hung up, went silent, broke the protocol, or a write failed.</summary>
    public CancellationToken Closed => _closed.Token;

    public int OpenStreams => _streams.Count;

    /// <summary>Reads frames until the client closes the connection or sends GOAWAY; every stream's reader then sees its end.</summary>
    public async Task RunAsync(ISpdyStreamAcceptor acceptor, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var keepAlive = KeepAliveAsync(linked.Token);
        try
        {
            await ReadFramesAsync(acceptor, linked.Token);
        }
        catch (SpdyProtocolException e)
        {
            LogProtocolError(_logger, e.Message);
            await TrySendGoAwayAsync(SpdyFrameType.GoAwayProtocolError);
        }
        catch (OperationCanceledException)
        {
            // Session or server ended, or the client went silent.
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            LogClientGone(_logger, e.Message);
        }
        finally
        {
            foreach (var stream in _streams.Values) stream.CompleteInbound();
            await _closed.CancelAsync();
            try
            {
                await keepAlive;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Tells the client no more streams will be accepted (GOAWAY, status OK) before the server closes the connection.</summary>
    public Task GoAwayAsync() => TrySendGoAwayAsync(SpdyFrameType.GoAwayOk);

    /// <summary>Where streams write their frames.</summary>
    internal SpdyFrameWriter Writer => _writer;

    internal void Forget(SpdyStream stream) => _streams.TryRemove(new KeyValuePair<uint, SpdyStream>(stream.Id, stream));

    private async Task ReadFramesAsync(ISpdyStreamAcceptor acceptor, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        while (true)
        {
            var read = await _transport.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
            if (read == 0) return;
            if (read < header.Length) throw new IOException("connection closed inside a frame header");
            Volatile.Write(ref _lastReceived, Environment.TickCount64);
            var first = BinaryPrimitives.ReadUInt32BigEndian(header);
            var second = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            var flags = (byte)(second >> 24);
            var length = (int)(second & 0xffffff);
            if ((first & 0x80000000) == 0)
            {
                if (length > StreamingLimits.MaxFrameBytes) throw new SpdyProtocolException($"data frame of {length} bytes exceeds the limit of {StreamingLimits.MaxFrameBytes}");
                var data = await ReadPayloadAsync(length, cancellationToken);
                await OnDataAsync(first & 0x7fffffff, flags, data, cancellationToken);
                continue;
            }
            var version = (first >> 16) & 0x7fff;
            if (version != SpdyFrameType.Version) throw new SpdyProtocolException($"unsupported SPDY version {version}; this server speaks SPDY/3.1");
            if (length > StreamingLimits.MaxControlFrameBytes) throw new SpdyProtocolException($"control frame of {length} bytes exceeds the limit of {StreamingLimits.MaxControlFrameBytes}");
            var payload = await ReadPayloadAsync(length, cancellationToken);
            if (!await OnControlAsync((ushort)(first & 0xffff), flags, payload, acceptor, cancellationToken)) return;
        }
    }

    private async Task<byte[]> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        var payload = new byte[length];
        await _transport.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }

    /// <summary>Handles one control frame; false when the client said GOAWAY and nothing more will be read.</summary>
    private async Task<bool> OnControlAsync(ushort type, byte flags, byte[] payload, ISpdyStreamAcceptor acceptor, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case SpdyFrameType.SynStream:
                await OnSynStreamAsync(flags, payload, acceptor, cancellationToken);
                return true;
            case SpdyFrameType.SynReply or SpdyFrameType.Headers:
                // Nothing to act on, but the block must be inflated to keep the compression context in step.
                RequireLength(payload, 4, type);
                HeadersOf(payload.AsSpan(4));
                return true;
            case SpdyFrameType.RstStream:
                RequireLength(payload, 8, type);
                if (_streams.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff, out var reset)) reset.OnReset();
                return true;
            case SpdyFrameType.Ping:
                RequireLength(payload, 4, type);
                // Odd ids are the client's pings and are echoed; even ones answer ours.
                if ((BinaryPrimitives.ReadUInt32BigEndian(payload) & 1) == 1) await _writer.SendPingAsync(payload, cancellationToken);
                return true;
            case SpdyFrameType.GoAway:
                return false;
            default:
                // SETTINGS and WINDOW_UPDATE carry nothing this server uses; unknown control frames must be ignored.
                return true;
        }
    }

    private async Task OnSynStreamAsync(byte flags, byte[] payload, ISpdyStreamAcceptor acceptor, CancellationToken cancellationToken)
    {
        RequireLength(payload, 10, SpdyFrameType.SynStream);
        var id = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff;
        var headers = HeadersOf(payload.AsSpan(10));
        if (id == 0) throw new SpdyProtocolException("SYN_STREAM with stream id 0");
        if ((id & 1) == 0 || id <= _lastClientStreamId)
        {
            await _writer.SendResetAsync(id, SpdyFrameType.ProtocolError, cancellationToken);
            return;
        }
        _lastClientStreamId = id;
        if (Volatile.Read(ref _goAwaySent) == 1 || _streams.Count >= StreamingLimits.MaxStreamsPerConnection)
        {
            LogStreamRefused(_logger, id, "too many open streams or the connection is closing");
            await _writer.SendResetAsync(id, SpdyFrameType.RefusedStream, cancellationToken);
            return;
        }
        if (acceptor.Validate(headers) is { } reason)
        {
            LogStreamRefused(_logger, id, reason);
            await _writer.SendResetAsync(id, SpdyFrameType.Cancel, cancellationToken);
            return;
        }
        var stream = new SpdyStream(this, id, headers);
        _streams[id] = stream;
        await _writer.SendReplyAsync(id, cancellationToken);
        if ((flags & SpdyFrameType.FlagFin) != 0) stream.CompleteInbound();
        acceptor.Accepted(stream);
    }

    private async Task OnDataAsync(uint streamId, byte flags, byte[] data, CancellationToken cancellationToken)
    {
        // Data for streams that are gone (reset, refused or finished) is dropped, as spdystream does.
        if (!_streams.TryGetValue(streamId, out var stream)) return;
        await stream.DeliverAsync(data, cancellationToken);
        if ((flags & SpdyFrameType.FlagFin) != 0) stream.CompleteInbound();
    }

    private IReadOnlyDictionary<string, string> HeadersOf(ReadOnlySpan<byte> compressed) =>
        SpdyHeaderBlock.Decode(_decompressor.Decompress(compressed));

    private static void RequireLength(byte[] payload, int minimum, ushort type)
    {
        if (payload.Length < minimum) throw new SpdyProtocolException($"control frame type {type} has {payload.Length} bytes; it needs at least {minimum}");
    }

    private async Task TrySendGoAwayAsync(uint status)
    {
        if (Interlocked.Exchange(ref _goAwaySent, 1) == 1) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _writer.SendGoAwayAsync(_lastClientStreamId, status, timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is already gone; there is nobody to tell.
        }
    }

    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_keepAlive);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var silent = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastReceived));
            if (silent > _keepAlive * 4)
            {
                LogSilent(_logger, silent);
                await _closed.CancelAsync();
                return;
            }
            _nextPingId += 2;
            var payload = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(payload, _nextPingId);
            try
            {
                await _writer.SendPingAsync(payload, cancellationToken);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    /// <summary>Call once <see cref="RunAsync"/> has returned; the streams' readers have seen their end by then.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        await _writer.DisposeAsync();
        _decompressor.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SPDY stream {StreamId} refused: {Reason}")]
    private static partial void LogStreamRefused(ILogger logger, uint streamId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SPDY client broke the protocol: {Reason}")]
    private static partial void LogProtocolError(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SPDY client went away: {Reason}")]
    private static partial void LogClientGone(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SPDY client silent for {Silent}; closing the connection")]
    private static partial void LogSilent(ILogger logger, TimeSpan silent);
}
