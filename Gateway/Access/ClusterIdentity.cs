using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Access;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Access;

/// <summary>
/// Chooses the identity an agent's cluster sees for a caller, from the agent's <see cref="AgentAccessPolicy"/>.
/// Policies are remembered for <see cref="AccessOptions.TokenCacheTime"/> so the proxy's hot path makes no grain call,
/// and keep serving while the policy's grain does not answer (for up to <see cref="GrainReadOptions.MaxStaleness"/>).
/// </summary>
internal sealed class ClusterIdentity(
    IGrainFactory grains, IOptions<AccessOptions> options, IOptions<GrainReadOptions> reads, TimeProvider clock, ILogger<ClusterIdentity> logger)
{
    private readonly GrainReadCache<AgentAccessPolicy> _policies = new("access policy of agent", logKeys: true, reads.Value, clock, logger);

    /// <summary>The agent's policy (possibly a few seconds old).</summary>
    public ValueTask<AgentAccessPolicy> PolicyAsync(string agentName, CancellationToken ct) =>
        _policies.GetAsync(agentName, () => grains.GetGrain<IAgentAccessGrain>(agentName).Get(), options.Value.TokenCacheTime, ct);

    /// <summary>Forgets a cached policy (after this gateway changed it).</summary>
    public void Invalidate(string agentName) => _policies.Invalidate(agentName);

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
