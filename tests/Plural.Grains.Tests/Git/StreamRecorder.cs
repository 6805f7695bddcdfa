using System.Collections.Concurrent;
using Orleans.Streams;
using Plural.Grains.Streams;

namespace Plural.Grains.Tests.Git;

/// <summary>Records what one stream of the platform's provider carries, for tests to wait on.</summary>
public sealed class StreamRecorder<T> : IAsyncDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private StreamSubscriptionHandle<T>? _handle;

    public IReadOnlyCollection<T> Items => _items;

    public static async Task<StreamRecorder<T>> StartAsync(IClusterClient client, string streamNamespace, string key)
    {
        var recorder = new StreamRecorder<T>();
        recorder._handle = await client.GetStreamProvider(StreamNames.Provider)
            .GetStream<T>(StreamId.Create(streamNamespace, key))
            .SubscribeAsync((item, _) =>
            {
                recorder._items.Enqueue(item);
                return Task.CompletedTask;
            });
        return recorder;
    }

    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var item in _items)
            {
                if (match(item))
                {
                    return item;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}; saw {_items.Count} items");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }
    }
}
