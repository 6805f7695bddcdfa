using Microsoft.Extensions.Options;

namespace Plural.AgentK.GitOps;

/// <summary>Keeps the inventory in the agent's own namespace unless configured otherwise.</summary>
internal sealed class GitOpsOptionsDefaults : IPostConfigureOptions<GitOpsOptions>
{
    /// <summary>Where Kubernetes tells a pod its service account's namespace.</summary>
    public const string InClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public void PostConfigure(string? name, GitOpsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.InventoryNamespace))
        {
            options.InventoryNamespace = OwnNamespace();
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
