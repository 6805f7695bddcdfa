using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>One agent's answer to a fleet query.</summary>
internal sealed record FleetAnswer(string AgentName, CacheQueryResult Result, TimeSpan Elapsed);
