using Microsoft.Extensions.Options;
using Plural.AgentK.Transport;

namespace Plural.AgentK.Leadership;

/// <summary>Fills the Lease's namespace from the pod's and the identity from the agent's instance id.</summary>
internal sealed class LeaderElectionOptionsDefaults(IOptions<GatewayOptions> gateway) : IPostConfigureOptions<LeaderElectionOptions>
{
    /// <summary>Where Kubernetes tells a pod its service account's namespace.</summary>
    public const string InClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public void PostConfigure(string? name, LeaderElectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.LeaseNamespace))
        {
            var fromPod = Environment.GetEnvironmentVariable("POD_NAMESPACE");
            options.LeaseNamespace = !string.IsNullOrWhiteSpace(fromPod) ? fromPod.Trim()
                : File.Exists(InClusterNamespaceFile) ? File.ReadAllText(InClusterNamespaceFile).Trim()
                : null;
        }

        // The instance id is what the gateway shows for each replica, so the leader it names is the Lease's holder.
        if (string.IsNullOrWhiteSpace(options.Identity))
        {
            options.Identity = gateway.Value.InstanceId;
        }
    }
}
