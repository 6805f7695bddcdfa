using Plural.Gateway.GitOps;
using Plural.Grains.GitOps;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Agents;

/// <summary>
/// Sends one session what its agent should have, in generation order: the desired state right after the welcome,
/// then every newer push. Pushes that arrive before the desired state is read wait for it; older ones are dropped.
/// </summary>
internal sealed class SessionConfigSender(AgentSession session, bool config, bool gitops)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<AgentConfigPush> _early = [];
    private long _sent = -1;

    public async Task SendInitialAsync(AgentDesiredState desired, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (config && desired.Config is { } spec)
            {
                await session.SendAsync(new GatewayMessage { Config = GitOpsAgentMapper.ToProto(spec) }, ct);
            }

            if (gitops)
            {
                foreach (var sync in desired.Syncs)
                {
                    await session.SendAsync(new GatewayMessage { ManifestSync = GitOpsAgentMapper.ToProto(sync) }, ct);
                }
            }

            _sent = desired.Generation;
            foreach (var push in _early.Where(p => p.Generation > _sent).OrderBy(p => p.Generation))
            {
                await SendAsync(push, ct);
            }

            _early.Clear();
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task OnPushAsync(AgentConfigPush push, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (_sent < 0)
            {
                _early.Add(push);
            }
            else if (push.Generation > _sent)
            {
                await SendAsync(push, ct);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task SendAsync(AgentConfigPush push, CancellationToken ct)
    {
        _sent = push.Generation;
        if (config && push.Config is { } spec)
        {
            await session.SendAsync(new GatewayMessage { Config = GitOpsAgentMapper.ToProto(spec) }, ct);
        }

        if (gitops && push.Sync is { } sync)
        {
            await session.SendAsync(new GatewayMessage { ManifestSync = GitOpsAgentMapper.ToProto(sync) }, ct);
        }
    }
}
