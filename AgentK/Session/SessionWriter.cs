using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>The upward half of a session, shared by heartbeats and reporters: gRPC allows one write at a time.</summary>
internal sealed class SessionWriter(IClientStreamWriter<AgentMessage> stream, IReadOnlySet<string>? accepted = null)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>The capabilities the gateway accepted in its welcome: what it takes on this session.</summary>
    public IReadOnlySet<string> Accepted { get; } = accepted ?? new HashSet<string>(StringComparer.Ordinal);

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
