using System.Text;
using System.Text.Json;

namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// AgentK started as a kubelet would start the pod of the <c>agentk</c> Deployment read back from a cluster (the
/// emulator runs no containers): the container's environment as the Deployment gives it (values, and the pod's
/// name and namespace for field references), and each Secret or ConfigMap volume written out as files under a scratch
/// root, with every path in the environment that points into a mount moved under that root. Nothing of the agent's
/// gateway configuration comes from the test; only the in-cluster parts a pod gets from its node do: the API
/// server's address and CA, and a token the TokenRequest API minted for the pod's service account.
/// </summary>
internal static class AppliedAgentPod
{
    public static async Task<ProductProcess> StartAsync(Kubectl admin, EmulatedCluster cluster, string ns, string directory)
    {
        var deployment = JsonDocument.Parse((await admin.RunAsync("get", "deployment", "agentk", "-n", ns, "-o", "json")).EnsureSuccess().Stdout).RootElement;
        var pod = deployment.GetProperty("spec").GetProperty("template").GetProperty("spec");
        var container = pod.GetProperty("containers")[0];
        var root = Path.Combine(directory, "pod-root");
        var mounts = new Dictionary<string, string>();
        foreach (var mount in container.GetProperty("volumeMounts").EnumerateArray())
        {
            var volumeName = mount.GetProperty("name").GetString()!;
            var mountPath = mount.GetProperty("mountPath").GetString()!;
            var local = Path.Combine(root, mountPath.TrimStart('/'));
            Directory.CreateDirectory(local);
            mounts[mountPath] = local;
            var volume = pod.GetProperty("volumes").EnumerateArray().Single(v => v.GetProperty("name").GetString() == volumeName);
            await WriteVolumeAsync(admin, ns, volume, local);
        }

        var environment = new Dictionary<string, string>();
        var podName = "agentk-" + Guid.NewGuid().ToString("N")[..5];
        foreach (var variable in container.GetProperty("env").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            environment[name] = variable.TryGetProperty("value", out var value)
                ? Relocate(value.GetString()!, mounts)
                : variable.GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString() switch
                {
                    "metadata.name" => podName,
                    "metadata.namespace" => ns,
                    var other => throw new InvalidOperationException($"the pod's field {other} is not provided here"),
                };
        }

        var serviceAccount = pod.GetProperty("serviceAccountName").GetString()!;
        var serviceAccountToken = Path.Combine(directory, "service-account-token");
        await File.WriteAllTextAsync(serviceAccountToken, (await admin.RunAsync("create", "token", serviceAccount, "-n", ns, "--duration=1h")).EnsureSuccess().Stdout.Trim());
        return ProductProcess.Start("AgentK",
        [
            $"--Agent:Upstream:Url={cluster.Server.Url}",
            $"--Agent:ObservabilityUrl=http://127.0.0.1:{FreePort.Next()}",
            .. cluster.AgentArgsWithToken(serviceAccountToken),
        ], name: "AgentK " + podName, environment: environment);
    }

    private static async Task WriteVolumeAsync(Kubectl admin, string ns, JsonElement volume, string local)
    {
        var (kind, name, encoded) = volume.TryGetProperty("secret", out var secret) ? ("secret", secret.GetProperty("secretName").GetString()!, true)
            : volume.TryGetProperty("configMap", out var configMap) ? ("configmap", configMap.GetProperty("name").GetString()!, false)
            : (null, null, false);
        if (kind is null)
        {
            return; // An emptyDir: the directory is enough.
        }

        var source = JsonDocument.Parse((await admin.RunAsync("get", kind, name!, "-n", ns, "-o", "json")).EnsureSuccess().Stdout).RootElement;
        foreach (var entry in source.GetProperty("data").EnumerateObject())
        {
            var text = encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(entry.Value.GetString()!)) : entry.Value.GetString()!;
            await File.WriteAllTextAsync(Path.Combine(local, entry.Name), text);
        }
    }

    private static string Relocate(string value, Dictionary<string, string> mounts)
    {
        foreach (var (mountPath, local) in mounts)
        {
            if (value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return local + value[mountPath.Length..];
            }
        }

        return value;
    }
}
