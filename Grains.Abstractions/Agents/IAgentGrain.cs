namespace Plural.Grains.Agents;

/// <summary>
/// One registered agent, keyed by its name. Holds the registration and token hashes (persisted)
/// and the tunnel leases gateways hold for it (soft state, rebuilt by the next renewals).
/// </summary>
[Alias("plural.agents.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Tokens an agent may hold at once: the one in use and its successor during a rotation.</summary>
    public const int MaxActiveTokens = 2;

    /// <summary>
    /// Registers the agent with its first token. Throws <see cref="AgentAlreadyExistsException"/> if registered, unless
    /// this is a retry of the call that registered it (the same <see cref="AgentRegistration.RequestId"/>, labels and
    /// description) whose answer was lost: as long as the agent never connected, the first token is replaced by
    /// <paramref name="firstToken"/> (the lost one is revoked; no agent ever used it) and the registration is
    /// answered again.
    /// </summary>
    [Alias("Register")]
    Task<AgentSnapshot> Register(AgentRegistration registration, AgentTokenRecord firstToken);

    /// <summary>The agent with its live status, or null when no agent of that name is registered.</summary>
    [Alias("Get")]
    Task<AgentSnapshot?> Get();

    /// <summary>
    /// Adds a token (rotation). Throws <see cref="AgentNotFoundException"/> for unknown agents and
    /// <see cref="TooManyAgentTokensException"/> when <see cref="MaxActiveTokens"/> are active.
    /// </summary>
    [Alias("AddToken")]
    Task AddToken(AgentTokenRecord token);

    /// <summary>
    /// Removes the agent: every token is revoked, leases are dropped and the name leaves the directory, so the name
    /// can be registered again. False when no agent of that name is registered.
    /// </summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>Revokes a token; false when the agent has no such token.</summary>
    [Alias("RevokeToken")]
    Task<bool> RevokeToken(string tokenId);

    /// <summary>
    /// Creates or refreshes the lease of one agent process on one gateway. Rejected when the agent
    /// is gone or the token the connection authenticated with was revoked.
    /// </summary>
    [Alias("RenewLease")]
    Task<LeaseDecision> RenewLease(LeaseRenewal renewal);

    /// <summary>Drops a lease when a session ends on a gateway.</summary>
    [Alias("DropLease")]
    Task DropLease(string gatewayId, string instanceId);

    /// <summary>Unexpired leases: where the agent can be reached now.</summary>
    [Alias("GetLeases")]
    Task<IReadOnlyList<TunnelLease>> GetLeases();

    /// <summary>
    /// Writes the agent's listing into the directory (<see cref="Fleet.AgentDirectoryKeys"/>) now; false when no agent
    /// of that name is registered. The grain keeps its listing current by itself; this is for carrying over agents
    /// registered before the directory had listings.
    /// </summary>
    [Alias("WriteListing")]
    Task<bool> WriteListing();
}
