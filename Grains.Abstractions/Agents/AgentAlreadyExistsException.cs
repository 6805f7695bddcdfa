namespace Plural.Grains.Agents;

/// <summary>An agent of that name is already registered.</summary>
[GenerateSerializer, Alias("plural.agents.AgentAlreadyExistsException")]
public sealed class AgentAlreadyExistsException(string agentName)
    : Exception($"Agent '{agentName}' is already registered.")
{
    /// <summary>The name that was taken.</summary>
    [Id(0)]
    public string AgentName { get; } = agentName;
}
