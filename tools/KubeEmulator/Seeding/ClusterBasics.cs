using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Seeding;

/// <summary>What every cluster has even when started <c>--empty</c>: the system namespaces and ready nodes.</summary>
internal static class ClusterBasics
{
    public static void Seed(ObjectService objects, int nodeCount)
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            objects.Create(BuiltInKinds.Namespace, null, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } },
            }, null);
        }
        for (var i = 1; i <= nodeCount; i++)
        {
            var node = Node($"emulator-node-{i}", $"10.0.0.{10 + i}", i == 1);
            var status = node["status"]!.DeepClone();
            var created = objects.Create(BuiltInKinds.Node, null, node, null);
            objects.Change(BuiltInKinds.Node, null, created["metadata"]!["name"]!.GetValue<string>(), n => { n["status"] = status; return n; }, null, "status");
        }
    }

    private static JsonObject Node(string name, string ip, bool controlPlane)
    {
        var labels = new JsonObject
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["node.kubernetes.io/instance-type"] = "emulated",
        };
        if (controlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.0.0/24" },
            ["status"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["cpu"] = "4", ["memory"] = "16Gi", ["pods"] = "110" },
                ["allocatable"] = new JsonObject { ["cpu"] = "4", ["memory"] = "16Gi", ["pods"] = "110" },
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", now),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", now),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", now),
                    Condition("Ready", "True", "KubeletReady", now)),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = ip },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["nodeInfo"] = new JsonObject
                {
                    ["kubeletVersion"] = Discovery.DiscoveryEndpoints.GitVersion,
                    ["kubeProxyVersion"] = Discovery.DiscoveryEndpoints.GitVersion,
                    ["containerRuntimeVersion"] = "containerd://1.7.0",
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                    ["osImage"] = "Emulated Linux",
                    ["kernelVersion"] = "6.1.0",
                    ["machineID"] = "", ["systemUUID"] = "", ["bootID"] = "",
                },
            },
        };
    }

    private static JsonObject Condition(string type, string status, string reason, string now) => new()
    {
        ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = reason,
        ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now,
    };
}
