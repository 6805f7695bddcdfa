namespace Plural.Grains.Access;

/// <summary>Persisted state of <see cref="AgentAccessGrain"/>.</summary>
[GenerateSerializer, Alias("plural.access.AgentAccessState")]
public sealed class AgentAccessState
{
    /// <summary>The policy; null means the default.</summary>
    [Id(0)] public AgentAccessPolicy? Policy { get; set; }
}
