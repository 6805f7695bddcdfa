using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>What this agent declares in its hello beyond the tunnel, and the reporters that go with it.</summary>
internal sealed class SessionFeatures
{
    public SessionFeatures(
        IEnumerable<ISessionReporter> reporters,
        IEnumerable<ISessionCapability> capabilities,
        IEnumerable<ISessionCommandHandler> handlers,
        IEnumerable<IConditionSource> conditions)
    {
        _conditions = [.. conditions];
        Reporters = [.. reporters.Where(r => r.Capability is not null)];
        Capabilities = [.. Reporters.Select(r => r.Capability!), .. capabilities.Select(c => c.Capability).OfType<string>()];
        Handlers = handlers.ToDictionary(h => h.Kind);
    }

    /// <summary>No features beyond the tunnel.</summary>
    public static SessionFeatures None { get; } = new([], [], [], []);

    private readonly IConditionSource[] _conditions;

    /// <summary>Every feature's health conditions as they stand now.</summary>
    public IEnumerable<AgentCondition> Conditions() => _conditions.SelectMany(c => c.Conditions());

    /// <summary>Handlers of gateway commands beyond welcome and reconnect, by command.</summary>
    public IReadOnlyDictionary<GatewayMessage.KindOneofCase, ISessionCommandHandler> Handlers { get; }

    /// <summary>Reporters of enabled features.</summary>
    public IReadOnlyList<ISessionReporter> Reporters { get; }

    /// <summary>Capabilities to declare besides the tunnel.</summary>
    public IReadOnlyList<string> Capabilities { get; }
}
