namespace Plural.Topology.Tests.Infrastructure;

/// <summary>Where one gateway listens.</summary>
internal sealed record GatewayEndpoint(string Id, Uri AgentUrl, Uri ApiUrl, Uri HttpUrl);
