namespace Plural.Grains.GitOps;

/// <summary>What happened to one object in a sync.</summary>
[GenerateSerializer, Alias("plural.gitops.ObjectSyncState")]
public enum ObjectSyncState
{
    /// <summary>Not reported.</summary>
    Unspecified = 0,
    /// <summary>Applied with server-side apply.</summary>
    Applied = 1,
    /// <summary>Could not be applied (see the message).</summary>
    Failed = 2,
    /// <summary>Left Git and was deleted.</summary>
    Pruned = 3,
    /// <summary>Left Git but could not be deleted.</summary>
    PruneFailed = 4,
}
