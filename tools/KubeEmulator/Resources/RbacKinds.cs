namespace Plural.KubeEmulator.Resources;

/// <summary>The <c>rbac.authorization.k8s.io/v1</c> kinds: stored like any object and read by the authorizer on every request.</summary>
internal static class RbacKinds
{
    public const string Group = "rbac.authorization.k8s.io";

    public static readonly ResourceKind Role = new(Group, "v1", "Role", "roles", "role", true);

    public static readonly ResourceKind RoleBinding = new(Group, "v1", "RoleBinding", "rolebindings", "rolebinding", true);

    public static readonly ResourceKind ClusterRole = new(Group, "v1", "ClusterRole", "clusterroles", "clusterrole", false);

    public static readonly ResourceKind ClusterRoleBinding = new(Group, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false);
}
