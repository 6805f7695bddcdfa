using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>Creates pods for streaming tests and waits for the emulator to run them.</summary>
public static class Pods
{
    public static async Task<string> RunningAsync(TestCluster cluster, string name, string ns = "default", params string[] containers)
    {
        using var api = new ApiClient(cluster.Http());
        var names = containers.Length == 0 ? [name] : containers;
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(names.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c,
                    ["image"] = "busybox:1.36",
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "hello from " + c }),
                }).ToArray()),
            },
        };
        await api.PostAsync($"/api/v1/namespaces/{ns}/pods", pod.ToJsonString());
        await Eventually.UntilAsync(
            () => api.GetAsync($"/api/v1/namespaces/{ns}/pods/{name}"),
            p => p["status"]?["phase"]?.GetValue<string>() == "Running",
            TimeSpan.FromSeconds(20));
        return name;
    }
}
