namespace Plural.AgentK.GitOps;

/// <summary>The inventory could not be read or written; the sync stops rather than apply what it could not track.</summary>
internal sealed class InventoryException(string message) : Exception(message);
