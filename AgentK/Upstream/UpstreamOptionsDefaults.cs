using Microsoft.Extensions.Options;

namespace Plural.AgentK.Upstream;

/// <summary>Falls back to the in-cluster service account's token and certificate authority when they exist.</summary>
internal sealed class UpstreamOptionsDefaults : IPostConfigureOptions<UpstreamOptions>
{
    public void PostConfigure(string? name, UpstreamOptions options)
    {
        // null means "not configured": an explicit empty value turns the in-cluster default off.
        options.BearerTokenFile ??= File.Exists(UpstreamOptions.InClusterTokenFile) ? UpstreamOptions.InClusterTokenFile : null;
        options.CaFile ??= File.Exists(UpstreamOptions.InClusterCaFile) ? UpstreamOptions.InClusterCaFile : null;
    }
}
