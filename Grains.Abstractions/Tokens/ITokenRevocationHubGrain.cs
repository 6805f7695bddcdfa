namespace Plural.Grains.Tokens;

/// <summary>
/// Tells every gateway about revoked agent tokens. Gateways subscribe an observer and renew it every
/// <see cref="RenewInterval"/>; one not renewed for <see cref="ObserverTimeToLive"/> is forgotten.
/// </summary>
[Alias("plural.tokens.ITokenRevocationHubGrain")]
public interface ITokenRevocationHubGrain : IGrainWithStringKey
{
    /// <summary>The one key of the hub.</summary>
    public const string Key = "*";

    /// <summary>How often a gateway renews its subscription.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(20);

    /// <summary>How long a subscription lasts without renewal.</summary>
    public static readonly TimeSpan ObserverTimeToLive = TimeSpan.FromSeconds(70);

    /// <summary>Adds or renews a gateway's observer.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ITokenRevocationObserver observer);

    /// <summary>Tells every subscribed gateway.</summary>
    [Alias("Publish")]
    Task Publish(AgentTokenRevoked revoked);
}
