using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>Keeps a <c>WatchClusterEvents</c> call open and records what arrives, with the time it arrived.</summary>
internal sealed class EventRecorder : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<ClusterEventInfo> _call;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private EventRecorder(AsyncServerStreamingCall<ClusterEventInfo> call)
    {
        _call = call;
        _reading = Task.Run(ReadAsync);
    }

    public ConcurrentQueue<(ClusterEventInfo Event, long ArrivedAt)> Received { get; } = new();

    public static async Task<EventRecorder> StartAsync(ServerApi.ServerApiClient api, string agent)
    {
        var call = api.WatchClusterEvents(new WatchClusterEventsRequest { Name = agent });
        // The gateway sends headers once its stream subscription is in place.
        await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(30));
        return new EventRecorder(call);
    }

    /// <summary>Waits for an event matching <paramref name="match"/> and returns it with its arrival timestamp.</summary>
    public async Task<(ClusterEventInfo Event, long ArrivedAt)> WaitForAsync(Func<ClusterEventInfo, bool> match, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (var item in Received)
            {
                if (match(item.Event))
                {
                    return item;
                }
            }

            if (_reading.IsFaulted)
            {
                throw new InvalidOperationException("the event watch failed", _reading.Exception);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no event {what} within {timeout}; received: {string.Join("; ", Received.Select(r => Describe(r.Event)))}");
    }

    public static string Describe(ClusterEventInfo e) => $"{e.Sequence} {e.Type} {e.Kind} {e.Namespace}/{e.Name} [{e.Summary}]";

    private async Task ReadAsync()
    {
        await foreach (var item in _call.ResponseStream.ReadAllAsync(_stop.Token))
        {
            Received.Enqueue((item, Stopwatch.GetTimestamp()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _call.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
        }

        _stop.Dispose();
    }
}
