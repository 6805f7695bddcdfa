namespace Plural.Topology.Tests.Infrastructure;

/// <summary>A silo-only process and its probe address.</summary>
internal sealed record SiloNode(string Name, ProductProcess Process, Uri HttpUrl);
