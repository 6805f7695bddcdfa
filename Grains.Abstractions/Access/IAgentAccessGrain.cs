namespace Plural.Grains.Access;

/// <summary>The access policy of one agent, keyed by agent name; <see cref="AgentAccessPolicy.Default"/> until set.</summary>
[Alias("plural.access.IAgentAccessGrain")]
public interface IAgentAccessGrain : IGrainWithStringKey
{
    /// <summary>The policy in force.</summary>
    [Alias("Get")]
    Task<AgentAccessPolicy> Get();

    /// <summary>Replaces the policy.</summary>
    [Alias("Set")]
    Task Set(AgentAccessPolicy policy);
}
