using Orleans.Runtime;
using Orleans.Streams;
using Plural.Grains.Streams;

namespace Plural.Gateway.Cable;

/// <summary>Subscribes a topic to one Orleans stream of the platform's provider.</summary>
internal static class CableStream
{
    private const int Attempts = 3;

    public static async Task<IAsyncDisposable> SubscribeAsync<T>(IClusterClient client, string streamNamespace, string key,
        CableTopic topic, Func<T, string> agentOf, Func<T, long, string, byte[]> render)
    {
        var stream = client.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var handle = await stream.SubscribeAsync((item, _) =>
                {
                    topic.Publish(agentOf(item), (seq, epoch) => render(item, seq, epoch));
                    return Task.CompletedTask;
                });
                return new Handle<T>(handle);
            }
            catch (Exception ex) when (attempt < Attempts && ex is TimeoutException or OrleansException)
            {
                // The pub-sub grain answered late (a busy or moving silo); a subscriber would rather wait than be refused.
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private sealed class Handle<T>(StreamSubscriptionHandle<T> handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await handle.UnsubscribeAsync();
    }
}
