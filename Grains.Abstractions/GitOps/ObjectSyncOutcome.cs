namespace Plural.Grains.GitOps;

/// <summary>The outcome for one object: which document it came from, what it is, and what happened.</summary>
[GenerateSerializer, Immutable, Alias("plural.gitops.ObjectSyncOutcome")]
public sealed record ObjectSyncOutcome(
    [property: Id(0)] string Path,
    [property: Id(1)] int Index,
    [property: Id(2)] string ApiVersion,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Namespace,
    [property: Id(5)] string Name,
    [property: Id(6)] ObjectSyncState State,
    [property: Id(7)] string Message);
