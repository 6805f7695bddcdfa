using Orleans.Streams;
using Plural.Grains.Streams;

namespace Plural.Gateway.Cable;

/// <summary>Subscribes a topic to one Orleans stream of the platform's provider.</summary>
internal static class CableStream
{
    public static async Task<IAsyncDisposable> SubscribeAsync<T>(IClusterClient client, string streamNamespace, string key,
        CableTopic topic, Func<T, string> agentOf, Func<T, long, string, byte[]> render)
    {
        var stream = client.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        var handle = await stream.SubscribeAsync((item, _) =>
        {
            topic.Publish(agentOf(item), (seq, epoch) => render(item, seq, epoch));
            return Task.CompletedTask;
        });
        return new Handle<T>(handle);
    }

    private sealed class Handle<T>(StreamSubscriptionHandle<T> handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await handle.UnsubscribeAsync();
    }
}
