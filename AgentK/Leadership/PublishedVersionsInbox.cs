using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Leadership;

/// <summary>
/// Keeps the gateway's latest answer to this replica's claim of leadership: where the agent's event log left off.
/// Answers are counted, so a waiter takes only one that came after its own claim.
/// </summary>
internal sealed class PublishedVersionsInbox : ISessionCommandHandler
{
    private readonly Lock _gate = new();
    private readonly ChangeSignal _received = new();
    private PublishedVersions? _latest;

    public GatewayMessage.KindOneofCase Kind => GatewayMessage.KindOneofCase.PublishedVersions;

    /// <summary>Answers received so far; pass it to <see cref="WaitPastAsync"/>.</summary>
    public long Version => _received.Version;

    public void Handle(GatewayMessage command)
    {
        lock (_gate)
        {
            _latest = command.PublishedVersions;
        }

        _received.Signal();
    }

    /// <summary>The first answer after <paramref name="seen"/> answers, or null when none came within <paramref name="timeout"/>.</summary>
    public async Task<PublishedVersions?> WaitPastAsync(long seen, TimeSpan timeout, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        try
        {
            await _received.WaitPastAsync(seen, wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }

        lock (_gate)
        {
            return _latest;
        }
    }
}
