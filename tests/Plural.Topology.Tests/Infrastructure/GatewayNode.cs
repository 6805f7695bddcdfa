namespace Plural.Topology.Tests.Infrastructure;

/// <summary>A gateway process and where it listens.</summary>
internal sealed record GatewayNode(GatewayEndpoint Endpoint, ProductProcess Process);
