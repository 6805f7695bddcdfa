using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Plural.Bench.Events;

/// <summary>
/// WebSocket clients of <c>/cable</c>, one connection each, subscribed to one agent's <c>ClusterEventsChannel</c>;
/// each reports the names of added objects to an <see cref="ArrivalLog"/> as their events arrive.
/// </summary>
public sealed class CableSubscribers : IAsyncDisposable
{
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();

    private CableSubscribers()
    {
    }

    private int _lost;
    private long _events;
    private int _resets;
    private readonly HashSet<string> _resetObservers = new(StringComparer.Ordinal);

    /// <summary>Cluster events received by all subscribers, the measured ones and any other change in the cluster.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Connections that ended before they were disposed.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>Typed <c>reset</c> messages received: the gateway saying a subscriber's feed skipped positions.</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>Subscribers that received at least one <c>reset</c>.</summary>
    public int SubscribersReset
    {
        get { lock (_resetObservers) return _resetObservers.Count; }
    }

    /// <summary>Connects <paramref name="count"/> subscribers, each confirmed and past its snapshot.</summary>
    public static async Task<CableSubscribers> ConnectAsync(Uri cable, string agent, int count, ArrivalLog log, string observerPrefix, CancellationToken ct)
    {
        var subscribers = new CableSubscribers();
        var identifier = JsonSerializer.Serialize(new { channel = "ClusterEventsChannel", agent });
        var subscribe = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { command = "subscribe", identifier }));
        for (var start = 0; start < count; start += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(start, Math.Min(50, count - start)).Select(async _ =>
            {
                var socket = new ClientWebSocket();
                socket.Options.AddSubProtocol("actioncable-v1-json");
                await socket.ConnectAsync(cable, ct);
                await socket.SendAsync(subscribe, WebSocketMessageType.Text, true, ct);
                var buffer = new byte[64 * 1024];
                while (!IsSnapshot(await ReadAsync(socket, buffer, ct)))
                {
                }

                return socket;
            }));
            subscribers._sockets.AddRange(batch);
        }

        for (var i = 0; i < subscribers._sockets.Count; i++)
        {
            var socket = subscribers._sockets[i];
            var observer = observerPrefix + i;
            subscribers._readers.Add(Task.Run(() => subscribers.ReadLoopAsync(socket, observer, log)));
        }

        return subscribers;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.WhenAll(_readers).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ReadLoopAsync(ClientWebSocket socket, string observer, ArrivalLog log)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await ReadAsync(socket, buffer, _stop.Token) is { } frame)
            {
                using var doc = JsonDocument.Parse(frame);
                if (IsReset(doc.RootElement))
                {
                    Interlocked.Increment(ref _resets);
                    lock (_resetObservers)
                    {
                        _resetObservers.Add(observer);
                    }
                }
                else if (doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                    && message.TryGetProperty("type", out var type) && type.ValueEquals("cluster_event")
                    && Interlocked.Increment(ref _events) > 0
                    && message.TryGetProperty("event_type", out var change) && change.ValueEquals("ADDED")
                    && message.TryGetProperty("name", out var name))
                {
                    log.Arrived(observer, name.GetString()!);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Counted below unless the bench ended it.
        }

        if (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _lost);
        }
    }

    private static bool IsReset(JsonElement frame) =>
        frame.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("type", out var type) && type.ValueEquals("reset");

    private static bool IsSnapshot(ReadOnlyMemory<byte>? frame)
    {
        if (frame is not { } bytes)
        {
            throw new WebSocketException("the gateway closed the connection before the snapshot");
        }

        using var doc = JsonDocument.Parse(bytes);
        // A ping's message is a number; only subscription messages are objects.
        return doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("type", out var type) && type.ValueEquals("snapshot");
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadAsync(ClientWebSocket socket, byte[] buffer, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer.AsMemory(0, length);
            }

            if (length == buffer.Length)
            {
                throw new WebSocketException("cable message larger than 64 KiB");
            }
        }
    }
}
