namespace Plural.Gateway.Tunnels;

/// <summary>An authenticated agent connection: which agent, through which of its tokens.</summary>
/// <param name="AgentName">The agent the token belongs to.</param>
/// <param name="TokenId">The token's id (never the secret).</param>
/// <param name="TokenHash">The token's hash, the key of its cache entry.</param>
/// <param name="ExpiresAt">When the token expires and the connection ends; null when it never expires.</param>
internal sealed record AgentIdentity(string AgentName, string TokenId, string TokenHash, DateTimeOffset? ExpiresAt = null);
