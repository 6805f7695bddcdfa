using Grpc.Core;

namespace Plural.Gateway.ClusterViews;

/// <summary>An agent that refused a fleet query or could not be reached, with the status a single query would get.</summary>
internal sealed record FleetFailure(string AgentName, StatusCode Code, string Message);
