namespace Plural.AgentK.GitOps;

/// <summary>
/// The order objects are applied in: namespaces, then CRDs, then everything else, each in document order; pruning
/// runs the other way so that a namespace goes last and nothing is deleted out from under its container.
/// </summary>
internal static class ApplyOrder
{
    public static int Tier(ObjectIdentity identity) => identity switch
    {
        { Group: "", Kind: "Namespace" } => 0,
        { Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition" } => 1,
        _ => 2,
    };

    /// <summary>Whether objects of this tier define kinds that later documents may use.</summary>
    public static bool DefinesKinds(int tier) => tier == 1;
}
