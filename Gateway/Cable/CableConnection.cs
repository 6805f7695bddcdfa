using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
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
    private readonly Dictionary<string, CableSubscription> _subscriptions = new(StringComparer.Ordinal);
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
    }

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
        _hub.Register(this);
        Enqueue(CableFrame.Whole(CableFrames.Welcome));
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
            foreach (var subscription in _subscriptions.Values)
            {
                subscription.Topic.Detach(subscription);
                _hub.Release(subscription.Topic);
            }

            _subscriptions.Clear();
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
        string? command;
        string? identifier;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            command = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString() : null;
            identifier = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("identifier", out var i) && i.ValueKind == JsonValueKind.String
                ? i.GetString() : null;
        }
        catch (JsonException)
        {
            Refuse("message is not valid JSON");
            return;
        }

        if (command is null || identifier is null)
        {
            Refuse("message needs string \"command\" and \"identifier\"");
            return;
        }

        switch (command)
        {
            case "subscribe":
                await SubscribeAsync(identifier, ct);
                break;
            case "unsubscribe":
                Unsubscribe(identifier);
                break;
            default:
                // "message" (channel actions) and commands of newer protocol versions: these channels have no
                // actions, and ActionCable servers ignore what they do not know.
                LogIgnoredCommand(_logger, command);
                break;
        }
    }

    private async Task SubscribeAsync(string raw, CancellationToken ct)
    {
        if (_subscriptions.ContainsKey(raw))
        {
            return; // The stock client repeats a subscribe until it sees the confirmation.
        }

        if (_subscriptions.Count >= _options.MaxSubscriptionsPerConnection)
        {
            Reject(raw, $"a connection may hold at most {_options.MaxSubscriptionsPerConnection} subscriptions");
            return;
        }

        if (CableIdentifier.TryParse(raw, out var error) is not { } identifier)
        {
            Reject(raw, error);
            return;
        }

        if (_hub.Channel(identifier.Channel) is not { } channel)
        {
            Reject(raw, $"unknown channel {identifier.Channel}; channels: {string.Join(", ", _hub.ChannelNames)}");
            return;
        }

        if (identifier.Agent is null && channel.RequiresAgent)
        {
            Reject(raw, $"{channel.Name} needs \"agent\"");
            return;
        }

        var caller = _caller;
        if (identifier.Agent is { } agent && !caller.MayAccess(agent))
        {
            Reject(raw, $"forbidden: {caller.User} may not see agent {agent}");
            return;
        }

        CableTopic topic;
        try
        {
            topic = await _hub.AcquireAsync(channel, channel.KeyFor(identifier.Agent), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Reject(raw, "the cluster stream is unavailable; try again");
            return;
        }

        var subscription = new CableSubscription(this, identifier, topic);
        try
        {
            if (identifier.Since is { } since)
            {
                Enqueue(CableFrame.Whole(CableFrames.Confirm(raw)));
                var resumed = topic.Attach(subscription, since, identifier.Epoch);
                if (resumed.Resumed)
                {
                    _subscriptions[raw] = subscription;
                    LogResumed(_logger, topic.Key.ToString(), since, resumed.Replayed);
                    return;
                }

                topic.Detach(subscription);
                subscription.Send(ResetHint(identifier, topic));
                if (!await StartFreshAsync(channel, subscription, caller, ct))
                {
                    _hub.Release(topic);
                    return;
                }
            }
            else if (!await StartFreshAsync(channel, subscription, caller, ct, confirmFirst: true))
            {
                _hub.Release(topic);
                return;
            }
        }
        catch
        {
            topic.Detach(subscription);
            _hub.Release(topic);
            throw;
        }

        _subscriptions[raw] = subscription;
    }

    /// <summary>Confirms (when asked), sends the snapshot, then attaches from the snapshot's sequence on.</summary>
    private async Task<bool> StartFreshAsync(ICableChannel channel, CableSubscription subscription, Caller caller,
        CancellationToken ct, bool confirmFirst = false)
    {
        var topic = subscription.Topic;
        var sequence = topic.Sequence;
        CableSnapshot snapshot;
        try
        {
            snapshot = await channel.SnapshotAsync(caller, subscription.Identifier.Agent, sequence, topic.Epoch, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSnapshotFailed(_logger, topic.Key.ToString(), ex);
            snapshot = CableSnapshot.Refused("the current state could not be read; try again");
        }

        if (snapshot.Payload is null)
        {
            Reject(subscription.Identifier.Raw, snapshot.Refusal ?? "refused");
            return false;
        }

        if (confirmFirst)
        {
            Enqueue(CableFrame.Whole(CableFrames.Confirm(subscription.Identifier.Raw)));
        }

        subscription.Send(snapshot.Payload);
        // Messages published while the snapshot was read are replayed from the buffer, after it.
        topic.Attach(subscription, sequence, topic.Epoch);
        return true;
    }

    private static byte[] ResetHint(CableIdentifier identifier, CableTopic topic) => CableFrames.Write(w =>
    {
        w.WriteString("type", "reset");
        w.WriteString("reason", identifier.Epoch != topic.Epoch
            ? "epoch is not this gateway's current one (another gateway, or the topic lapsed)"
            : "since is older than the replay buffer");
        w.WriteNumber("seq", topic.Sequence);
        w.WriteString("epoch", topic.Epoch);
    });

    private void Unsubscribe(string raw)
    {
        if (_subscriptions.Remove(raw, out var subscription))
        {
            subscription.Topic.Detach(subscription);
            _hub.Release(subscription.Topic);
        }
    }

    private void Reject(string raw, string reason)
    {
        LogRejected(_logger, _caller.User, reason);
        Enqueue(CableFrame.Whole(CableFrames.Reject(raw, reason)));
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

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Cable subscription of {User} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Cable client of {User} sent an invalid request: {Problem}")]
    private static partial void LogInvalidRequest(ILogger logger, string user, string problem);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Ignored cable command {Command}")]
    private static partial void LogIgnoredCommand(ILogger logger, string command);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Debug, Message = "Cable topic {Topic} resumed after {Since}: {Replayed} messages replayed")]
    private static partial void LogResumed(ILogger logger, string topic, long since, int replayed);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Could not read the snapshot of cable topic {Topic}")]
    private static partial void LogSnapshotFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Information, Message = "Cable credential of {User} is no longer valid; disconnecting")]
    private static partial void LogCredentialNoLongerValid(ILogger logger, string user);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Could not check a cable credential again")]
    private static partial void LogReauthenticationFailed(ILogger logger, Exception exception);
}
