namespace Plural.Grains.GitOps;

/// <summary>What the parts of an agent's configuration grain need from it: saving its state and telling the agent.</summary>
internal interface IAgentConfigOutbox
{
    /// <summary>Writes the grain's state.</summary>
    Task SaveAsync();

    /// <summary>Sends a configuration or sync change to the agent's stream.</summary>
    Task PushAsync(AgentConfigPush push);

    /// <summary>Publishes the current sync status of every target.</summary>
    Task PublishSyncStatusAsync();
}
