using System.Buffers.Text;
using System.Security.Cryptography;
using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Agents;

/// <summary>
/// Creates agent token secrets. The recognisable prefix lets secret scanners find leaked tokens;
/// 32 random bytes make them unguessable. Only the hash leaves this class.
/// </summary>
public sealed class AgentTokenIssuer(TimeProvider clock)
{
    /// <summary>Prefix of every agent token.</summary>
    public const string Prefix = "plrl_agent_";

    /// <summary>
    /// A new secret and the record (hash and metadata) to store for it; it expires after <paramref name="timeToLive"/>
    /// when one is given.
    /// </summary>
    public (AgentTokenRecord Record, string Secret) Issue(string description, TimeSpan? timeToLive = null)
    {
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var tokenId = "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var now = clock.GetUtcNow();
        return (new AgentTokenRecord(tokenId, AgentTokenHash.Compute(secret), description, now, ExpiresAt: now + timeToLive), secret);
    }
}
