using Microsoft.Extensions.Options;
using Plural.Grains.Access;
using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Access;

/// <summary>Issues user access tokens after checking what they grant; the secret is returned once and only its hash kept.</summary>
public sealed class UserTokenIssuer(IGrainFactory grains, IOptions<AccessOptions> options, TimeProvider clock)
{
    private const int MaxNameLength = 256, MaxGroups = 100, MaxAgents = 1000;

    /// <summary>Issues a token; throws <see cref="ArgumentException"/> naming the field at fault.</summary>
    public async Task<(UserTokenGrant Grant, string Token)> IssueAsync(
        string user, IReadOnlyList<string> groups, IReadOnlyList<string> agents, TimeSpan? lifetime)
    {
        CheckName(user, "user");
        if (groups.Count > MaxGroups)
        {
            throw new ArgumentException($"at most {MaxGroups} groups", nameof(groups));
        }

        foreach (var group in groups)
        {
            CheckName(group, "groups");
        }

        if (agents.Count == 0 || agents.Count > MaxAgents)
        {
            throw new ArgumentException($"name between 1 and {MaxAgents} agents, or \"*\" for all", nameof(agents));
        }

        if (agents.Any(a => a != UserTokenGrant.AllAgents && !AgentName.IsValid(a)))
        {
            throw new ArgumentException($"each agent must be \"*\" or an agent name: {AgentName.Requirement}", nameof(agents));
        }

        var settings = options.Value;
        var ttl = lifetime ?? settings.DefaultTokenLifetime;
        if (ttl <= TimeSpan.Zero || ttl > settings.MaxTokenLifetime)
        {
            throw new ArgumentException($"the lifetime must be positive and at most {settings.MaxTokenLifetime}", "ttl_seconds");
        }

        var (tokenId, token) = UserAccessToken.Create();
        var now = clock.GetUtcNow();
        var grant = new UserTokenGrant(tokenId, AgentTokenHash.Compute(token), user, [.. groups.Distinct()], [.. agents.Distinct()], now, now + ttl);
        await grains.GetGrain<IUserTokenGrain>(tokenId).Issue(grant);
        return (grant, token);
    }

    private static void CheckName(string value, string field)
    {
        // Names travel in HTTP headers to the cluster: no control characters, bounded.
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"must be 1 to {MaxNameLength} printable characters", field);
        }
    }
}
