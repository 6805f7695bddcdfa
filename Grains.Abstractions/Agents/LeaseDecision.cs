namespace Plural.Grains.Agents;

/// <summary>The grain's answer to a lease renewal.</summary>
[GenerateSerializer, Alias("plural.agents.LeaseDecision")]
public enum LeaseDecision
{
    /// <summary>The lease is recorded.</summary>
    Accepted = 0,
    /// <summary>No agent of that name is registered (any more).</summary>
    UnknownAgent = 1,
    /// <summary>The token the connection authenticated with is revoked: close the connection.</summary>
    TokenRevoked = 2,
    /// <summary>The token the connection authenticated with has expired: close the connection.</summary>
    TokenExpired = 3,
}
