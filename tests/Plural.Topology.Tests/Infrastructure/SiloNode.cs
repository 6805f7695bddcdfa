namespace Plural.Topology.Tests.Infrastructure;

/// <summary>A silo-only process, its probe address and the port gateways (Orleans clients) connect to.</summary>
internal sealed record SiloNode(string Name, ProductProcess Process, Uri HttpUrl, int GatewayPort);
