namespace Plural.Grains.Tokens;

/// <summary>
/// Ids of agent tokens the main application keeps itself and a gateway checked with it (the gateway's optional token
/// authority mode). No grain holds such a token, so an agent's grain accepts leases carrying one of these ids on the
/// gateway's word; ids the grains issue never start with <see cref="Prefix"/>.
/// </summary>
public static class MainAppTokenId
{
    /// <summary>What every such id starts with.</summary>
    public const string Prefix = "main-app:";

    /// <summary>The id for the main application's own id of a token.</summary>
    public static string Of(string id) => Prefix + id;

    /// <summary>True for an id of a token the main application vouched for.</summary>
    public static bool IsOne(string tokenId) => tokenId.StartsWith(Prefix, StringComparison.Ordinal);
}
