using Grpc.Core;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// A gRPC stream writer that several tasks may use: gRPC allows one pending write per stream,
/// so writes queue behind a lock instead of throwing.
/// </summary>
internal sealed class SerializedStreamWriter<T>(IAsyncStreamWriter<T> writer) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async ValueTask WriteAsync(T message, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await writer.WriteAsync(message, ct);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
