namespace Plural.Grains.Audit;

/// <summary>Which kept events <see cref="IAgentAuditGrain.List"/> returns: all filters must match; "" and null match everything.</summary>
/// <param name="User">Exactly this caller (user name or admin credential name).</param>
/// <param name="Verb">Exactly this Kubernetes verb.</param>
/// <param name="Since">Received at or after this time.</param>
/// <param name="Until">Received before this time.</param>
/// <param name="Before">Only events older than this position (a previous page's <see cref="AuditPage.Next"/>).</param>
/// <param name="PageSize">At most this many events.</param>
[GenerateSerializer, Immutable, Alias("plural.audit.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string User,
    [property: Id(1)] string Verb,
    [property: Id(2)] DateTimeOffset? Since,
    [property: Id(3)] DateTimeOffset? Until,
    [property: Id(4)] long? Before,
    [property: Id(5)] int PageSize);
