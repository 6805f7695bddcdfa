using System.Text.Json.Serialization;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Which object a document or inventory entry is. Two identities are the same object when group, kind, namespace and
/// name match: a manifest moving from <c>v1beta1</c> to <c>v1</c> still names the object it applied before.
/// </summary>
internal sealed record ObjectIdentity(string ApiVersion, string Kind, string Namespace, string Name)
{
    /// <summary>The API group; empty for the core group.</summary>
    [JsonIgnore]
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    /// <summary>Key of the object regardless of the API version it is written in.</summary>
    [JsonIgnore]
    public string Key => $"{Group}/{Kind}/{Namespace}/{Name}";

    public override string ToString() => Namespace.Length == 0 ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}
