namespace Plural.Grains.Agents;

/// <summary>No agent of the given name is registered.</summary>
[GenerateSerializer, Alias("plural.agents.AgentNotFoundException")]
public sealed class AgentNotFoundException(string agentName)
    : Exception($"Agent '{agentName}' is not registered.")
{
    /// <summary>The name that was looked up.</summary>
    [Id(0)]
    public string AgentName { get; } = agentName;
}
