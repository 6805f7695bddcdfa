using Microsoft.Extensions.Options;
using Plural.AgentK.Upstream;

namespace Plural.AgentK;

/// <summary>
/// Fills the defaults that depend on the environment (token variable, pod name,
/// in-cluster service account files) after configuration binding.
/// </summary>
internal sealed class AgentOptionsDefaults : IPostConfigureOptions<AgentOptions>
{
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
    }
}
