namespace Plural.Grains.Agents;

/// <summary>The agent already holds <see cref="IAgentGrain.MaxActiveTokens"/> active tokens; one must be revoked first.</summary>
[GenerateSerializer, Alias("plural.agents.TooManyAgentTokensException")]
public sealed class TooManyAgentTokensException(string agentName)
    : Exception($"Agent '{agentName}' already has {IAgentGrain.MaxActiveTokens} active tokens; revoke one first.")
{
    /// <summary>The agent at its limit.</summary>
    [Id(0)]
    public string AgentName { get; } = agentName;
}
