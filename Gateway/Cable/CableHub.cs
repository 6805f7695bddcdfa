using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Cable;

/// <summary>
/// This gateway's topics and connections. A topic holds one feed (an Orleans stream subscription, or a pull loop on
/// the platform's log for an <see cref="ICableLogChannel"/>) however many local subscribers it has: made for the
/// first, dropped <see cref="CableOptions.TopicLinger"/> after the last left.
/// </summary>
internal sealed partial class CableHub : IHostedService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CableTopicKey, CableTopic> _topics = [];
    private readonly ConcurrentDictionary<CableConnection, byte> _connections = new();
    private readonly IReadOnlyDictionary<string, ICableChannel> _channels;
    private readonly IOptions<CableOptions> _options;
    private readonly ILogger<CableHub> _logger;
    private volatile bool _handingOver;

    internal CableHub(IEnumerable<ICableChannel> channels, IOptions<CableOptions> options, ILogger<CableHub> logger)
    {
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options;
        _logger = logger;
    }

    /// <summary>Open connections on this gateway.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Topics with a feed on this gateway (including lingering ones).</summary>
    public int TopicCount
    {
        get
        {
            lock (_gate)
            {
                return _topics.Count;
            }
        }
    }

    internal IEnumerable<string> ChannelNames => _channels.Keys.Order(StringComparer.Ordinal);

    internal ICableChannel? Channel(string name) => _channels.GetValueOrDefault(name);

    /// <summary>Adds a connection; false once the gateway hands its clients over, and the connection should leave at once.</summary>
    internal bool Register(CableConnection connection)
    {
        _connections.TryAdd(connection, 0);
        return !_handingOver;
    }

    /// <summary>
    /// Asks every connection to reconnect elsewhere (ActionCable's <c>disconnect</c>, reason <c>server_restart</c>,
    /// <c>reconnect: true</c>), each at a random moment within <paramref name="spread"/> so that the other gateways
    /// do not take every socket at once. A connection that arrives afterwards, from a balancer that has not yet
    /// noticed the gateway is not ready, is told the same at once. Returns how many connections were told.
    /// </summary>
    internal async Task<int> HandOverAsync(TimeSpan spread, CancellationToken ct)
    {
        _handingOver = true;
        var connections = _connections.Keys.ToList();
        LogHandingOver(_logger, connections.Count, spread.TotalSeconds);
        await Task.WhenAll(connections.Select(async connection =>
        {
            try
            {
                await Task.Delay(spread * Random.Shared.NextDouble(), ct);
            }
            catch (OperationCanceledException)
            {
                // The drain's time is up: tell everyone now.
            }

            connection.Close("server_restart", reconnect: true);
        }));
        return connections.Count;
    }

    internal void Unregister(CableConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>The topic for <paramref name="key"/>, subscribed to its stream. Pair with <see cref="Release"/>.</summary>
    internal async Task<CableTopic> AcquireAsync(ICableChannel channel, string key, CancellationToken ct)
    {
        CableTopic topic;
        lock (_gate)
        {
            var topicKey = new CableTopicKey(channel.Name, key);
            if (!_topics.TryGetValue(topicKey, out topic!))
            {
                topic = channel is ICableLogChannel
                    ? CableTopic.NumberedByLog(topicKey, _options.Value.ReplayBufferSize)
                    : new CableTopic(topicKey, _options.Value.ReplayBufferSize);
                topic.Subscription = channel.SubscribeAsync(key, topic, CancellationToken.None);
                _topics[topicKey] = topic;
                LogTopicOpened(_logger, topicKey.ToString());
            }

            topic.Holders++;
            topic.Linger?.Cancel();
            topic.Linger = null;
        }

        try
        {
            await topic.Subscription.WaitAsync(ct);
            return topic;
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                topic.Holders--;
                if (topic.Subscription.IsFaulted && _topics.TryGetValue(topic.Key, out var current) && current == topic)
                {
                    // Let the next subscriber try a fresh subscription instead of inheriting the failure.
                    _topics.Remove(topic.Key);
                }
            }

            if (ex is not OperationCanceledException)
            {
                LogSubscribeFailed(_logger, topic.Key.ToString(), ex);
            }

            throw;
        }
    }

    /// <summary>Gives a topic back; the last holder starts the linger after which the stream subscription ends.</summary>
    internal void Release(CableTopic topic)
    {
        CancellationTokenSource linger;
        lock (_gate)
        {
            if (--topic.Holders > 0)
            {
                return;
            }

            linger = new CancellationTokenSource();
            topic.Linger = linger;
        }

        _ = CloseAfterLingerAsync(topic, linger);
    }

    private async Task CloseAfterLingerAsync(CableTopic topic, CancellationTokenSource linger)
    {
        try
        {
            await Task.Delay(_options.Value.TopicLinger, linger.Token);
        }
        catch (OperationCanceledException)
        {
            // A new subscriber arrived; the topic stays.
            return;
        }

        lock (_gate)
        {
            if (topic.Holders > 0 || topic.Linger != linger || !_topics.Remove(topic.Key))
            {
                return;
            }

            topic.Linger = null;
        }

        await UnsubscribeAsync(topic);
    }

    private async Task UnsubscribeAsync(CableTopic topic)
    {
        try
        {
            await using var subscription = await topic.Subscription;
            LogTopicClosed(_logger, topic.Key.ToString());
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(_logger, topic.Key.ToString(), ex);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Close("server_restart", reconnect: true);
        }

        List<CableTopic> topics;
        lock (_gate)
        {
            topics = [.. _topics.Values];
            _topics.Clear();
        }

        await Task.WhenAll(topics.Select(UnsubscribeAsync)).WaitAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Asking {Connections} cable connections to reconnect elsewhere within {Seconds:0.0} s")]
    private static partial void LogHandingOver(ILogger logger, int connections, double seconds);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Cable topic {Topic} subscribed")]
    private static partial void LogTopicOpened(ILogger logger, string topic);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Cable topic {Topic} unsubscribed after its last subscriber left")]
    private static partial void LogTopicClosed(ILogger logger, string topic);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Could not subscribe cable topic {Topic}")]
    private static partial void LogSubscribeFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Could not unsubscribe cable topic {Topic}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string topic, Exception exception);
}
