namespace Plural.Grains.Agents;

/// <summary>
/// One install link's ticket, keyed by the SHA-256 (hex) of the ticket so that no grain id carries it. It holds the
/// agent token the link's manifests carry until the link is fetched once or expires; the token lives in the
/// activation's memory only, never in storage, so a silo lost before the fetch only costs a new link.
/// </summary>
[Alias("plural.agents.IAgentInstallTicketGrain")]
public interface IAgentInstallTicketGrain : IGrainWithStringKey
{
    /// <summary>Holds <paramref name="ticket"/> until it is redeemed or expires.</summary>
    [Alias("Hold")]
    Task Hold(AgentInstallTicket ticket);

    /// <summary>
    /// Hands out the token once, to a fetch naming the same agent the ticket was issued for; says why not otherwise.
    /// </summary>
    [Alias("Redeem")]
    Task<AgentInstallRedemption> Redeem(string agentName);
}
