using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Plural.Grains.Access;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Access;

/// <summary>
/// Chooses the identity an agent's cluster sees for a caller, from the agent's <see cref="AgentAccessPolicy"/>.
/// Policies are remembered for <see cref="AccessOptions.TokenCacheTime"/> so the proxy's hot path makes no grain call.
/// </summary>
internal sealed class ClusterIdentity(IGrainFactory grains, IOptions<AccessOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (AgentAccessPolicy Policy, DateTimeOffset Until)> _policies = new();

    /// <summary>The agent's policy (possibly a few seconds old).</summary>
    public async ValueTask<AgentAccessPolicy> PolicyAsync(string agentName, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_policies.TryGetValue(agentName, out var cached) && cached.Until > now)
        {
            return cached.Policy;
        }

        var policy = await grains.GetGrain<IAgentAccessGrain>(agentName).Get().WaitAsync(ct);
        _policies[agentName] = (policy, now + options.Value.TokenCacheTime);
        return policy;
    }

    /// <summary>Forgets a cached policy (after this gateway changed it).</summary>
    public void Invalidate(string agentName) => _policies.TryRemove(agentName, out _);

    /// <summary>The impersonation for <paramref name="caller"/> under <paramref name="policy"/>; null for the agent's own identity.</summary>
    public Impersonation? For(Caller caller, AgentAccessPolicy policy)
    {
        switch (policy.Mode)
        {
            case ClusterIdentityMode.AgentServiceAccount:
                return null;
            case ClusterIdentityMode.FixedIdentity:
                return new Impersonation { User = policy.FixedUser, Groups = { policy.FixedGroups } };
            default:
                var settings = options.Value;
                var identity = new Impersonation { User = settings.UserPrefix + caller.User, Groups = { settings.UserGroup } };
                identity.Groups.AddRange(caller.Groups.Where(g => g != settings.UserGroup));
                return identity;
        }
    }
}
