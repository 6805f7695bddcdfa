using Orleans.Concurrency;

namespace Plural.Grains.Tokens;

/// <summary>A gateway listening for agent tokens revoked anywhere in the cluster.</summary>
[Alias("plural.tokens.ITokenRevocationObserver")]
public interface ITokenRevocationObserver : IGrainObserver
{
    /// <summary>A token was revoked: close what it opened. One-way, so a gateway that is gone delays nobody.</summary>
    [Alias("OnRevoked"), OneWay]
    Task OnRevoked(AgentTokenRevoked revoked);
}
