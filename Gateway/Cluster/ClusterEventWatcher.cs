using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orleans.Streams;
using Plural.Grains.Agents;
using Plural.Grains.Cluster;
using Plural.Grains.Streams;
using Plural.Protocol.Server;

namespace Plural.Gateway.Cluster;

/// <summary>
/// Streams one agent's cluster events to a <c>ServerApi</c> caller: one Orleans stream subscription per call,
/// a bounded buffer, and a caller that falls too far behind is ended rather than allowed to grow memory.
/// </summary>
public sealed class ClusterEventWatcher(IClusterClient orleans)
{
    /// <summary>Events buffered for one caller before it is cut off as too slow.</summary>
    public const int BufferSize = 10_000;

    /// <summary>Writes events of <paramref name="request"/>'s agent to <paramref name="responses"/> until the call ends.</summary>
    public async Task WatchAsync(WatchClusterEventsRequest request, IServerStreamWriter<ClusterEventInfo> responses, ServerCallContext context)
    {
        if (!AgentName.IsValid(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"name: {AgentName.Requirement}"));
        }

        if (await orleans.GetGrain<IAgentGrain>(request.Name).Get() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{request.Name}\" is not registered"));
        }

        var buffer = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(BufferSize) { SingleReader = true });
        var overflowed = false;
        var stream = orleans.GetStreamProvider(StreamNames.Provider)
            .GetStream<ClusterEvent>(StreamId.Create(StreamNames.ClusterEvents, request.Name));
        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            if (!buffer.Writer.TryWrite(item))
            {
                overflowed = true;
                buffer.Writer.TryComplete();
            }

            return Task.CompletedTask;
        });

        try
        {
            // Headers tell the caller the subscription is in place: events from here on will arrive.
            await context.WriteResponseHeadersAsync([]);
            await foreach (var item in buffer.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responses.WriteAsync(ToProto(item), context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }

        if (overflowed)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the caller fell more than {BufferSize} events behind; watch again"));
        }
    }

    private static ClusterEventInfo ToProto(ClusterEvent e) => new()
    {
        Agent = e.AgentId,
        Sequence = e.Sequence,
        Type = e.Type,
        Kind = e.Kind,
        Namespace = e.Namespace,
        Name = e.Name,
        ResourceVersion = e.ResourceVersion,
        Summary = e.Summary,
        ObservedAt = Timestamp.FromDateTimeOffset(e.Timestamp),
    };
}
