using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>What a process can see of its container: names, addresses, environment, file system, clock.</summary>
internal sealed record ContainerContext(
    string PodName,
    string Namespace,
    string Container,
    string? PodIp,
    string NodeName,
    string WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    ContainerFileSystem Files,
    TimeProvider Time)
{
    /// <summary>The search path of every emulated image; commands resolve by name in these directories.</summary>
    public const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The context of <paramref name="container"/>; <paramref name="serviceAccountToken"/> is the token the kubelet
    /// mounts for the pod's service account (null when it mounts none).
    /// </summary>
    public static ContainerContext Create(JsonObject pod, string container, string? clusterCaPem, string? serviceAccountToken, TimeProvider time, bool tty)
    {
        var spec = pod.At("spec", "containers").Objects().FirstOrDefault(c => c.Str("name") == container)
            ?? pod.At("spec", "initContainers").Objects().FirstOrDefault(c => c.Str("name") == container)
            ?? new JsonObject();
        var podName = pod.Name();
        var ns = pod.Namespace() ?? "default";
        var podIp = pod.Str("status", "podIP");
        var environment = new List<KeyValuePair<string, string>>
        {
            new("PATH", SearchPath),
            new("HOSTNAME", podName),
        };
        if (tty) environment.Add(new("TERM", "xterm"));
        foreach (var variable in spec.At("env").Objects())
        {
            if (variable.Str("name") is not { Length: > 0 } name) continue;
            var value = variable.Str("value") ?? FieldValue(pod, variable.Str("valueFrom", "fieldRef", "fieldPath"));
            if (value is not null) environment.Add(new(name, value));
        }
        environment.AddRange(
        [
            new("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
            new("KUBERNETES_SERVICE_PORT", "443"),
            new("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
            new("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
            new("KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443"),
            new("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
            new("KUBERNETES_PORT_443_TCP_PORT", "443"),
            new("KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1"),
            new("HOME", "/root"),
        ]);
        var workingDirectory = spec.Str("workingDir") is { Length: > 0 } dir ? ContainerFileSystem.Normalize("/", dir) : "/";
        var files = new ContainerFileSystem(podName, ns, podIp, clusterCaPem, serviceAccountToken, workingDirectory);
        return new ContainerContext(podName, ns, container, podIp, pod.Str("spec", "nodeName") ?? "", workingDirectory, environment, files, time);
    }

    /// <summary>The downward-API fields a container's environment may name.</summary>
    private static string? FieldValue(JsonObject pod, string? path) => path switch
    {
        "metadata.name" => pod.Name(),
        "metadata.namespace" => pod.Namespace(),
        "metadata.uid" => pod.Str("metadata", "uid"),
        "spec.nodeName" => pod.Str("spec", "nodeName"),
        "spec.serviceAccountName" => pod.Str("spec", "serviceAccountName"),
        "status.podIP" => pod.Str("status", "podIP"),
        "status.hostIP" => pod.Str("status", "hostIP"),
        _ => null,
    };
}
