using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>One agent's answer to a fleet query.</summary>
public sealed record FleetAnswer(string AgentName, CacheQueryResult Result, TimeSpan Elapsed);
