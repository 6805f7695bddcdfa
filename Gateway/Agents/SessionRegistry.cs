using System.Collections.Concurrent;

namespace Plural.Gateway.Agents;

/// <summary>The agent sessions open on this gateway, one per agent process.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<(string Agent, string Instance), AgentSession> _sessions = new();

    /// <summary>All open sessions.</summary>
    public ICollection<AgentSession> All => _sessions.Values;

    /// <summary>Open sessions of one agent.</summary>
    public IEnumerable<AgentSession> Of(string agentName) =>
        _sessions.Values.Where(s => s.Identity.AgentName == agentName);

    /// <summary>Adds a session; returns the one it replaces (same agent process reconnecting), if any.</summary>
    public AgentSession? Add(AgentSession session)
    {
        AgentSession? replaced = null;
        _sessions.AddOrUpdate((session.Identity.AgentName, session.InstanceId), session, (_, old) =>
        {
            replaced = old;
            return session;
        });
        return replaced;
    }

    /// <summary>Removes a session if it is still the registered one.</summary>
    public bool Remove(AgentSession session) =>
        _sessions.TryRemove(new KeyValuePair<(string, string), AgentSession>((session.Identity.AgentName, session.InstanceId), session));
}
