using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>
/// A feature's part of the agent's health, sent up the session with every heartbeat so operators read it from the
/// platform (<c>GetAgent</c>, <c>plural agents get</c>) instead of the agent's logs.
/// </summary>
internal interface IConditionSource
{
    /// <summary>The feature's conditions as they stand now.</summary>
    IEnumerable<AgentCondition> Conditions();
}
