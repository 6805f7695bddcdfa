namespace Plural.Grains.Fleet;

/// <summary>Persisted state of <see cref="AgentDirectoryGrain"/>, as earlier versions wrote it.</summary>
[GenerateSerializer, Alias("plural.fleet.AgentDirectoryState")]
public sealed class AgentDirectoryState
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}
