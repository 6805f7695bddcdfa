using System.Collections.Concurrent;
using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>The upward half of a session that keeps every message the agent wrote, in order.</summary>
internal sealed class RecordingStreamWriter : IClientStreamWriter<AgentMessage>
{
    private readonly ConcurrentQueue<AgentMessage> _messages = new();

    public IReadOnlyList<AgentMessage> Messages => [.. _messages];

    public IReadOnlyList<ClusterEventRecord> Events =>
        [.. _messages.Where(m => m.KindCase == AgentMessage.KindOneofCase.ClusterEvents).SelectMany(m => m.ClusterEvents.Events)];

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(AgentMessage message)
    {
        _messages.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task CompleteAsync() => Task.CompletedTask;
}
