namespace Plural.KubeEmulator.Resources;

/// <summary>
/// Strategic-merge list keys, by field name. The real API server takes them from Go struct tags;
/// the field names below are the ones users and controllers patch in practice.
/// </summary>
internal static class MergeKeySets
{
    public static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public static readonly IReadOnlyDictionary<string, string> Workload = new Dictionary<string, string>
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["ports"] = "containerPort",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["containerStatuses"] = "name",
        ["initContainerStatuses"] = "name",
    };

    public static readonly IReadOnlyDictionary<string, string> Service = new Dictionary<string, string>
    {
        ["ports"] = "port",
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
    };

    public static readonly IReadOnlyDictionary<string, string> Generic = new Dictionary<string, string>
    {
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
        ["secrets"] = "name",
        ["imagePullSecrets"] = "name",
        ["addresses"] = "type",
        ["taints"] = "key",
    };
}
