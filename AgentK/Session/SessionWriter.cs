using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>The upward half of a session, shared by heartbeats and reporters: gRPC allows one write at a time.</summary>
internal sealed class SessionWriter(IClientStreamWriter<AgentMessage> stream)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Writes one message after the writes before it.</summary>
    public async Task WriteAsync(AgentMessage message, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            // No token on the write itself: cancelling a write would cancel the whole call.
            await stream.WriteAsync(message);
        }
        finally
        {
            _turn.Release();
        }
    }
}
