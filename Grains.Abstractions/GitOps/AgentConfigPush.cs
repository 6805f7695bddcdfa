namespace Plural.Grains.GitOps;

/// <summary>
/// Something to send down an agent's session, published on <see cref="Streams.StreamNames.AgentConfig"/>: a new
/// accepted configuration, a sync target's new desired state, or a rejection (for observers; nothing to send).
/// <see cref="Generation"/> increases with every change of the agent, so a gateway drops anything older than what it sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentConfigPush")]
public sealed record AgentConfigPush(
    [property: Id(0)] string Agent,
    [property: Id(1)] long Generation,
    [property: Id(2)] AgentConfigSpec? Config,
    [property: Id(3)] ManifestSyncSpec? Sync,
    [property: Id(4)] IReadOnlyList<ConfigProblem>? Rejected);
