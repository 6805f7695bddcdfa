namespace Plural.AgentK.GitOps;

/// <summary>Applying the manifests the server reads from Git. Section <c>Agent:GitOps</c>.</summary>
internal sealed class GitOpsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:GitOps";

    /// <summary>Declare <c>gitops.v1</c> and apply manifest syncs. Off: the server sends the agent none.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each target is applied again without a new commit, to repair drift, unless the agent configuration says otherwise.</summary>
    public TimeSpan ReapplyInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest re-apply interval the agent accepts from its configuration; shorter ones are raised to it.</summary>
    public TimeSpan MinReapplyInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Namespace of the inventory ConfigMaps (<c>plural-inventory-&lt;target&gt;</c>). Default: env <c>POD_NAMESPACE</c>,
    /// else the in-cluster service account's namespace, else <c>default</c>.
    /// </summary>
    public string? InventoryNamespace { get; set; }

    /// <summary>Longest one API request (apply, delete, discovery, inventory) may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long objects of a kind defined by a CRD in the same sync wait for the API server to serve that kind.</summary>
    public TimeSpan CrdEstablishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
