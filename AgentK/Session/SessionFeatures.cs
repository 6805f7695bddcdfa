using Plural.AgentK.Cache;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>What this agent declares in its hello beyond the tunnel, and the reporters that go with it.</summary>
internal sealed class SessionFeatures
{
    /// <summary>Capability of agents that answer cached queries (<c>POST /cache/query</c> with target AGENT).</summary>
    public const string CacheQueryCapability = "cache.query.v1";

    public SessionFeatures(IEnumerable<ISessionReporter> reporters, ClusterCache cache, IEnumerable<ISessionCommandHandler> handlers)
        : this(reporters, cache.Enabled, handlers)
    {
    }

    private SessionFeatures(IEnumerable<ISessionReporter> reporters, bool answersQueries, IEnumerable<ISessionCommandHandler> handlers)
    {
        Reporters = [.. reporters.Where(r => r.Capability is not null)];
        Capabilities = [.. Reporters.Select(r => r.Capability!), .. answersQueries ? [CacheQueryCapability] : Array.Empty<string>()];
        Handlers = handlers.ToDictionary(h => h.Kind);
    }

    /// <summary>No features beyond the tunnel.</summary>
    public static SessionFeatures None { get; } = new([], answersQueries: false, []);

    /// <summary>Handlers of gateway commands beyond welcome and reconnect, by command.</summary>
    public IReadOnlyDictionary<GatewayMessage.KindOneofCase, ISessionCommandHandler> Handlers { get; }

    /// <summary>Reporters of enabled features.</summary>
    public IReadOnlyList<ISessionReporter> Reporters { get; }

    /// <summary>Capabilities to declare besides the tunnel.</summary>
    public IReadOnlyList<string> Capabilities { get; }
}
