using Microsoft.Extensions.Options;
using Plural.AgentK.Upstream;

namespace Plural.AgentK;

/// <summary>
/// Fills the defaults that depend on the environment (token variable, pod name,
/// in-cluster service account files) after configuration binding.
/// </summary>
internal sealed class AgentOptionsDefaults : IPostConfigureOptions<AgentOptions>
{
    /// <summary>Where Kubernetes tells a pod its service account's namespace.</summary>
    public const string InClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public void PostConfigure(string? name, AgentOptions options)
    {
        if (string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
        {
            options.Token = Environment.GetEnvironmentVariable(AgentOptions.TokenEnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            var podName = Environment.GetEnvironmentVariable("POD_NAME");
            options.InstanceId = string.IsNullOrWhiteSpace(podName)
                ? $"{Environment.MachineName}-{Environment.ProcessId}"
                : podName;
        }

        // null means "not configured": an explicit empty value turns the in-cluster default off.
        options.Upstream.BearerTokenFile ??= File.Exists(UpstreamOptions.InClusterTokenFile) ? UpstreamOptions.InClusterTokenFile : null;
        options.Upstream.CaFile ??= File.Exists(UpstreamOptions.InClusterCaFile) ? UpstreamOptions.InClusterCaFile : null;

        if (string.IsNullOrWhiteSpace(options.GitOps.InventoryNamespace))
        {
            options.GitOps.InventoryNamespace = OwnNamespace();
        }
    }

    /// <summary>The namespace the agent runs in, where it keeps what it owns.</summary>
    private static string OwnNamespace()
    {
        var fromPod = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        if (!string.IsNullOrWhiteSpace(fromPod))
        {
            return fromPod.Trim();
        }

        var fromServiceAccount = File.Exists(InClusterNamespaceFile) ? File.ReadAllText(InClusterNamespaceFile).Trim() : "";
        return fromServiceAccount.Length > 0 ? fromServiceAccount : "default";
    }
}
