using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Plural.Gateway.Access;

namespace Plural.Gateway.Cable;

/// <summary>
/// One ActionCable client: a receive loop that handles commands in order, a send loop that drains a bounded
/// queue, and pings. Topics only ever queue frames here; a client that stops reading fills its queue and is
/// disconnected as a slow consumer without holding anyone else up.
/// </summary>
internal sealed partial class CableConnection
{
    private readonly WebSocket _socket;
    private readonly CableHub _hub;
    private readonly CallerAuthenticator _authenticator;
    private readonly string _credential;
    private readonly CableOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<CableFrame> _outbox = Channel.CreateUnbounded<CableFrame>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly CableSubscriptions _subscriptions;
    private readonly CableMessageRate _rate;
    private readonly CancellationTokenSource _stop;
    private int _queued;
    private int _closing;
    private volatile Caller _caller;

    public CableConnection(WebSocket socket, Caller caller, string credential, CableHub hub, CallerAuthenticator authenticator,
        CableOptions options, TimeProvider clock, ILogger logger, CancellationToken aborted)
    {
        _socket = socket;
        _caller = caller;
        _credential = credential;
        _hub = hub;
        _authenticator = authenticator;
        _options = options;
        _clock = clock;
        _logger = logger;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _subscriptions = new CableSubscriptions(this, hub, options, logger);
        _rate = new CableMessageRate(options.MessagesPerSecond, options.MessageBurst, clock);
    }

    /// <summary>Who the connection authenticated as, refreshed by every credential check.</summary>
    public Caller Caller => _caller;

    /// <summary>True when the caller may see messages about <paramref name="agentId"/>.</summary>
    public bool MaySee(string agentId) => _caller.MayAccess(agentId);

    /// <summary>Queues a frame; never blocks. Past the queue limit the connection is closed as a slow consumer.</summary>
    public void Enqueue(CableFrame frame)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        if (Interlocked.Increment(ref _queued) > _options.SendQueueLimit)
        {
            Interlocked.Decrement(ref _queued);
            LogSlowConsumer(_logger, _caller.User, _options.SendQueueLimit);
            Close("slow_consumer", reconnect: true, discardQueued: true);
            return;
        }

        if (!_outbox.Writer.TryWrite(frame))
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>
    /// Ends the connection with an ActionCable <c>disconnect</c>. The client gets <see cref="CableOptions.CloseTimeout"/>
    /// to read it; a slow consumer's backlog is dropped first so that the reason is the next thing it reads.
    /// </summary>
    public void Close(string reason, bool reconnect, bool discardQueued = false)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        if (discardQueued)
        {
            while (_outbox.Reader.TryRead(out _))
            {
                Interlocked.Decrement(ref _queued);
            }
        }

        _outbox.Writer.TryWrite(CableFrame.Whole(CableFrames.Disconnect(reason, reconnect)));
        _outbox.Writer.TryComplete();
        _ = AbortAfterAsync(_options.CloseTimeout);
    }

    public async Task RunAsync()
    {
        var accepted = _hub.Register(this);
        Enqueue(CableFrame.Whole(CableFrames.Welcome));
        if (!accepted)
        {
            Close("server_restart", reconnect: true);
        }

        var sending = SendLoopAsync(_stop.Token);
        var pinging = PingLoopAsync(_stop.Token);
        try
        {
            await ReceiveLoopAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away or the socket was aborted; cleanup below is the same.
        }
        finally
        {
            Interlocked.Exchange(ref _closing, 1);
            _outbox.Writer.TryComplete();
            if (await Task.WhenAny(sending, Task.Delay(_options.CloseTimeout)) != sending)
            {
                _socket.Abort();
            }

            await _stop.CancelAsync();
            await Task.WhenAll(sending, pinging).ContinueWith(_ => { }, TaskScheduler.Default);
            _subscriptions.ReleaseAll();
            _hub.Unregister(this);
            _stop.Dispose();
            _socket.Dispose();
        }
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(ct))
            {
                Interlocked.Decrement(ref _queued);
                var buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
                try
                {
                    var length = frame.CopyTo(buffer);
                    await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, ct);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The receive loop notices the broken socket too.
        }
        finally
        {
            // Without a writer nothing more reaches the client; stop reading from it as well.
            Interlocked.Exchange(ref _closing, 1);
        }
    }

    private async Task PingLoopAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(_options.PingInterval, _clock);
            var nextCheck = _clock.GetUtcNow() + _options.ReauthenticateInterval;
            while (await timer.WaitForNextTickAsync(ct))
            {
                Enqueue(CableFrame.Whole(CableFrames.Ping(_clock.GetUtcNow())));
                if (_clock.GetUtcNow() >= nextCheck)
                {
                    nextCheck = _clock.GetUtcNow() + _options.ReauthenticateInterval;
                    await ReauthenticateAsync(ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection ended.
        }
    }

    private async Task ReauthenticateAsync(CancellationToken ct)
    {
        Caller? caller;
        try
        {
            caller = await _authenticator.AuthenticateAsync(_credential, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Keep serving on what was proven; the next check tries again.
            LogReauthenticationFailed(_logger, ex);
            return;
        }

        if (caller is null)
        {
            LogCredentialNoLongerValid(_logger, _caller.User);
            Close("unauthorized", reconnect: false);
            return;
        }

        var (before, after) = (_caller.Agents, caller.Agents);
        var lost = after is not null && (before is null || !before.IsSubsetOf(after));
        _caller = caller;
        if (lost)
        {
            // The client reconnects and resubscribes; what it may no longer see is then rejected with a reason.
            Close("unauthorized", reconnect: true);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        var message = new ArrayBufferWriter<byte>(4096);
        // Reads until the client's close (or an abort), also after the server asked it to disconnect.
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                Refuse("binary messages are not part of actioncable-v1-json");
                continue;
            }

            if (message.WrittenCount + result.Count > _options.MaxIncomingMessageBytes)
            {
                Refuse($"message larger than {_options.MaxIncomingMessageBytes} bytes");
                return;
            }

            message.Write(buffer.AsSpan(0, result.Count));
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (!_rate.TryTake())
            {
                // Reconnecting: the stock client comes back after its stale threshold (6 s) and resubscribes, so
                // a burst costs a well-behaved page a few seconds while a flood is cut off at once.
                LogRateLimited(_logger, _caller.User, _options.MessagesPerSecond);
                Close("rate_limited", reconnect: true);
                return;
            }

            if (Volatile.Read(ref _closing) == 0)
            {
                await HandleAsync(message.WrittenMemory, ct);
            }

            message.ResetWrittenCount();
        }
    }

    private void Refuse(string problem)
    {
        LogInvalidRequest(_logger, _caller.User, problem);
        Close("invalid_request", reconnect: false);
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        if (CableCommand.TryParse(json, out var problem) is not { } parsed)
        {
            Refuse(problem!);
            return;
        }

        var (command, identifier) = parsed;
        switch (command)
        {
            case "subscribe":
                await _subscriptions.SubscribeAsync(identifier, _caller, ct);
                break;
            case "unsubscribe":
                _subscriptions.Unsubscribe(identifier);
                break;
            default:
                // "message" (channel actions) and commands of newer protocol versions: these channels have no
                // actions, and ActionCable servers ignore what they do not know.
                LogIgnoredCommand(_logger, command);
                break;
        }
    }

    private async Task AbortAfterAsync(TimeSpan timeout)
    {
        try
        {
            await Task.Delay(timeout, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        _socket.Abort();
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Disconnecting slow cable consumer {User}: more than {Limit} messages queued")]
    private static partial void LogSlowConsumer(ILogger logger, string user, int limit);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Cable client of {User} sent an invalid request: {Problem}")]
    private static partial void LogInvalidRequest(ILogger logger, string user, string problem);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Warning, Message = "Disconnecting cable client of {User}: more than {Limit} messages a second")]
    private static partial void LogRateLimited(ILogger logger, string user, int limit);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Ignored cable command {Command}")]
    private static partial void LogIgnoredCommand(ILogger logger, string command);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Information, Message = "Cable credential of {User} is no longer valid; disconnecting")]
    private static partial void LogCredentialNoLongerValid(ILogger logger, string user);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Could not check a cable credential again")]
    private static partial void LogReauthenticationFailed(ILogger logger, Exception exception);
}
