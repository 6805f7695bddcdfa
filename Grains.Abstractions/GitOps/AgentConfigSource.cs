namespace Plural.Grains.GitOps;

/// <summary>Where an agent's configuration lives: <c>.plural/agents/&lt;name&gt;/config.yaml</c> in this repository ref.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.AgentConfigSource")]
public sealed record AgentConfigSource(
    [property: Id(0)] string Repository,
    [property: Id(1)] string Ref);
