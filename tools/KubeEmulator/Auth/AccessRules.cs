using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// The emulator's authorization rule: every authenticated identity may do everything, except members
/// of <see cref="KubeEmulatorOptions.ReadOnlyGroup"/>, who may only read (and ask who they are).
/// </summary>
internal static class AccessRules
{
    private static readonly HashSet<string> ReadVerbs = ["get", "list", "watch"];

    public static bool IsAllowed(RequestIdentity identity, string verb) => !identity.IsReadOnly || ReadVerbs.Contains(verb);

    public static void Authorize(RequestIdentity identity, string verb, ResourceKind kind, string? ns, string? subresource)
    {
        if (IsAllowed(identity, verb) || !kind.Stored) return;
        var resource = subresource is null ? kind.Plural : $"{kind.Plural}/{subresource}";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        throw Errors.Forbidden($"{kind.GroupResource} is forbidden: User \"{identity.User}\" cannot {verb} resource \"{resource}\" in API group \"{kind.Group}\" {scope}", kind.GroupResource);
    }
}
