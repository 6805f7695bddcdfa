using Microsoft.Extensions.Options;
using Plural.AgentK.Observability;
using Plural.AgentK.Session;
using Plural.AgentK.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Connection;

/// <summary>
/// The <c>tunnels</c> condition: not ok while every tunnel stream the pool may open (<c>Agent:Tunnels:MaxTotal</c>) is
/// open and busy, when further requests wait at the gateway for one to free up; otherwise how many are open and idle.
/// Read at each heartbeat, so a pool that is full only between two heartbeats does not show.
/// </summary>
internal sealed class TunnelPoolConditions(AgentStatus status, IOptions<TunnelPoolOptions> options) : IConditionSource
{
    public IEnumerable<AgentCondition> Conditions()
    {
        var now = status.Snapshot();
        var max = options.Value.MaxTotal;
        var exhausted = now.TotalTunnels >= max && now.IdleTunnels == 0;
        yield return new AgentCondition
        {
            Type = "tunnels",
            Ok = !exhausted,
            Message = exhausted
                ? $"all {max} tunnel streams are busy (Agent:Tunnels:MaxTotal); further requests wait at the gateway"
                : $"{now.TotalTunnels} of at most {max} tunnel streams open, {now.IdleTunnels} idle",
        };
    }
}
