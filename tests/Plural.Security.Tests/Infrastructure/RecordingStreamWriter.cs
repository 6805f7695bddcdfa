using System.Collections.Concurrent;
using Grpc.Core;

namespace Plural.Security.Tests.Infrastructure;

/// <summary>A gRPC server stream writer that keeps what was written, standing in for the agent's side of a tunnel.</summary>
internal sealed class RecordingStreamWriter<T> : IServerStreamWriter<T>
{
    public ConcurrentQueue<T> Written { get; } = new();

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message)
    {
        Written.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return WriteAsync(message);
    }
}
