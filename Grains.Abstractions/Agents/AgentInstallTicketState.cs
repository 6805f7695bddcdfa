namespace Plural.Grains.Agents;

/// <summary>Where an install ticket stands when its link is fetched.</summary>
[GenerateSerializer, Alias("plural.agents.AgentInstallTicketState")]
public enum AgentInstallTicketState
{
    /// <summary>Redeemed by this fetch: the token goes into the manifests.</summary>
    Redeemed = 0,

    /// <summary>No such ticket, it expired, or it was issued for another agent.</summary>
    Unknown = 1,

    /// <summary>An earlier fetch redeemed it.</summary>
    Used = 2,
}
