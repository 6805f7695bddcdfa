using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.Streams.PubSub;
using Plural.Grains.Streams;

namespace Plural.Cable.Tests.Infrastructure;

/// <summary>
/// The test's own Orleans client of the silo: publishes on the platform's streams as a grain would, and reads
/// the silo's pub-sub records to see who is subscribed to a stream.
/// </summary>
internal sealed class ClusterProbe : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterProbe(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterProbe> ConnectAsync(int orleansGatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(orleansGatewayPort, serviceId: "plural", clusterId: "dev")
            .AddMemoryStreams(StreamNames.Provider));
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterProbe(host);
    }

    public Task PublishAsync<T>(string streamNamespace, string key, T item) =>
        Client.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key)).OnNextAsync(item);

    /// <summary>The explicit subscriptions the silo's pub-sub holds for one stream: one per consumer it delivers to.</summary>
    public async Task<IReadOnlyList<StreamSubscription>> SubscriptionsAsync(string streamNamespace, string key)
    {
        if (!Client.GetStreamProvider(StreamNames.Provider).TryGetStreamSubscriptionManager(out var manager))
        {
            throw new InvalidOperationException("the stream provider has no subscription manager");
        }

        return [.. await manager.GetSubscriptions(StreamNames.Provider, StreamId.Create(streamNamespace, key))];
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
