using Plural.AgentK.Session;

namespace Plural.AgentK.Cache.Queries;

/// <summary>Declares that this agent answers cached queries (<c>POST /cache/query</c> with target AGENT) while the cache runs.</summary>
internal sealed class CacheQueryCapability(ClusterCache cache) : ISessionCapability
{
    /// <summary>The capability of agents that answer cached queries.</summary>
    public const string Name = "cache.query.v1";

    public string? Capability => cache.Enabled ? Name : null;
}
