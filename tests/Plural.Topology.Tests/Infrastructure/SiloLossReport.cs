namespace Plural.Topology.Tests.Infrastructure;

/// <summary>What a silo's loss cost: the proxied load from the kill on, and how long <c>ServerApi</c> calls failed or waited.</summary>
internal sealed record SiloLossReport(LoadReport Load, TimeSpan ServerApiUnavailable);
