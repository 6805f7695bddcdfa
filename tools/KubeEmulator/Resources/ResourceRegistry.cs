using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Resources;

/// <summary>
/// The kinds served right now: the built-in ones plus those defined by stored CRDs. CRD kinds are read
/// from the store on each lookup, so a CRD is served the moment it is created and gone once deleted.
/// </summary>
internal sealed class ResourceRegistry(ObjectStore store)
{
    public IReadOnlyList<ResourceKind> All()
    {
        var custom = store.List(BuiltInKinds.CustomResourceDefinition.StorageKey, null).Items.SelectMany(CustomResourceKinds.From);
        return [.. BuiltInKinds.All, .. custom];
    }

    public ResourceKind? Find(string group, string version, string plural) =>
        BuiltInKinds.All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural)
        ?? All().FirstOrDefault(k => k.IsCustom && k.Group == group && k.Version == version && k.Plural == plural);

    public ResourceKind? FindByKind(string apiVersion, string kind) =>
        All().FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);

    /// <summary>Group → versions, in the order discovery lists them.</summary>
    public IEnumerable<IGrouping<string, ResourceKind>> Groups() => All().GroupBy(k => k.Group);
}
