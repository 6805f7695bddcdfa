namespace Plural.AgentK.GitOps;

/// <summary>One object a sync target applied, and the document it came from.</summary>
internal sealed record InventoryEntry(ObjectIdentity Object, string Path, int Index);
