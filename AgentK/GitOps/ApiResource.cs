namespace Plural.AgentK.GitOps;

/// <summary>A resource the API server serves, and how to address one object of it.</summary>
internal sealed record ApiResource(string ApiVersion, string Kind, string Plural, bool Namespaced)
{
    /// <summary>The object's URL path; <paramref name="ns"/> is ignored for cluster-scoped resources.</summary>
    public string PathOf(string? ns, string name)
    {
        var root = ApiVersion.Contains('/') ? $"/apis/{ApiVersion}" : $"/api/{ApiVersion}";
        var scope = Namespaced ? $"/namespaces/{Uri.EscapeDataString(ns ?? "")}" : "";
        return $"{root}{scope}/{Plural}/{Uri.EscapeDataString(name)}";
    }
}
