namespace Plural.KubeEmulator.Auth.Rbac;

/// <summary>
/// What the authorizer decides on, as the API server derives it from a request: who, which verb and
/// either a resource (group, resource, subresource, namespace, name) or a non-resource path.
/// Empty strings mean "none", as in the API server's request info.
/// </summary>
internal sealed record AuthorizationAttributes(
    string User,
    IReadOnlyList<string> Groups,
    string Verb,
    bool IsResourceRequest,
    string ApiGroup = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "",
    string Path = "")
{
    public static AuthorizationAttributes ForResource(RequestIdentity who, string verb, string group, string resource, string subresource = "", string ns = "", string name = "") =>
        new(who.User, who.Groups, verb, true, group, resource, subresource, ns, name);

    public static AuthorizationAttributes ForPath(RequestIdentity who, string verb, string path) =>
        new(who.User, who.Groups, verb, false, Path: path);
}
