using Grpc.Core;

namespace Plural.Security.Tests.Infrastructure;

/// <summary>
/// A gRPC stream reader that yields a fixed script of frames and then either ends the stream or
/// fails it, the way a peer that sends anything it likes would look from the other end.
/// </summary>
internal sealed class ScriptedStreamReader<T>(IReadOnlyList<T> frames, bool failAtEnd) : IAsyncStreamReader<T>
    where T : class
{
    private int _next = -1;

    public T Current => frames[_next];

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (_next + 1 < frames.Count)
        {
            _next++;
            return true;
        }

        if (failAtEnd)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "peer went away"));
        }

        return false;
    }
}
