using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Grains.Tests.Agents;

/// <summary>Registers agents with fresh names and tokens for a test.</summary>
internal static class AgentFactory
{
    public static string NewName() => "agent-" + Guid.NewGuid().ToString("N")[..12];

    public static (AgentTokenRecord Record, string Secret) NewToken(string tokenId = "t1", DateTimeOffset? expiresAt = null)
    {
        var secret = "plrl_agent_" + Guid.NewGuid().ToString("N");
        return (new AgentTokenRecord(tokenId, AgentTokenHash.Compute(secret), "", DateTimeOffset.UtcNow, ExpiresAt: expiresAt), secret);
    }

    public static async Task<(IAgentGrain Grain, string Secret)> RegisterAsync(IGrainFactory grains, string name, DateTimeOffset? expiresAt = null)
    {
        var (record, secret) = NewToken(expiresAt: expiresAt);
        var grain = grains.GetGrain<IAgentGrain>(name);
        await grain.Register(new AgentRegistration(name, new Dictionary<string, string>(), "", DateTimeOffset.UtcNow), record);
        return (grain, secret);
    }

    public static LeaseRenewal Lease(string gateway = "gw-1", string tokenId = "t1", TimeSpan? ttl = null) =>
        new(gateway, "http://127.0.0.1:1", "pod-1", "1.0.0", tokenId, DateTimeOffset.UtcNow, 2, 0,
            ttl ?? TimeSpan.FromMinutes(1));
}
