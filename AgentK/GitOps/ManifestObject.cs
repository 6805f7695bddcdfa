namespace Plural.AgentK.GitOps;

/// <summary>
/// One document of a sync, read far enough to address it: its identity when it has one, or why it cannot be applied.
/// The YAML is applied as written.
/// </summary>
/// <param name="Path">File path in the repository.</param>
/// <param name="Index">Position of the document in its file, from 0.</param>
/// <param name="Identity">The object, with the namespace it is applied to; null when the document is unusable.</param>
/// <param name="Yaml">The document.</param>
/// <param name="Error">Why the document cannot be applied; null when it can.</param>
internal sealed record ManifestObject(string Path, int Index, ObjectIdentity? Identity, string Yaml, string? Error)
{
    /// <summary>Where the document comes from, as a user finds it: <c>path#index</c>.</summary>
    public string Source => $"{Path}#{Index}";
}
