using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Config;

/// <summary>
/// Answers each agent configuration with <c>config_applied</c>. Only the newest answer matters: one made while the
/// agent was disconnected replaces any older one not yet sent.
/// </summary>
internal sealed class AgentConfigReporter : ISessionReporter
{
    /// <summary>Capability of agents that take <c>config</c> and answer with <c>config_applied</c>.</summary>
    public const string ConfigCapability = "agent.config.v1";

    private readonly Lock _gate = new();
    private readonly ChangeSignal _posted = new();
    private AgentConfigApplied? _pending;

    public string? Capability => ConfigCapability;

    /// <summary>The newest answer, sent or not.</summary>
    public AgentConfigApplied? Last { get; private set; }

    public void Post(AgentConfigApplied applied)
    {
        lock (_gate)
        {
            _pending = Last = applied;
        }

        _posted.Signal();
    }

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        while (true)
        {
            var seen = _posted.Version;
            AgentConfigApplied? next;
            lock (_gate)
            {
                (next, _pending) = (_pending, null);
            }

            if (next is null)
            {
                await _posted.WaitPastAsync(seen, sessionEnded);
                continue;
            }

            try
            {
                await session.WriteAsync(new AgentMessage { ConfigApplied = next }, sessionEnded);
            }
            catch
            {
                lock (_gate)
                {
                    _pending ??= next;
                }

                throw;
            }
        }
    }
}
