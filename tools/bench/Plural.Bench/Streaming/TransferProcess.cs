namespace Plural.Bench.Streaming;

/// <summary>What one process on a route used during a transfer.</summary>
/// <param name="Component">Process name.</param>
/// <param name="RssBeforeBytes">Resident memory just before.</param>
/// <param name="PeakRssBytes">Highest resident memory sampled during the transfer.</param>
/// <param name="CpuSeconds">CPU seconds spent during the transfer.</param>
public sealed record TransferProcess(string Component, long RssBeforeBytes, long PeakRssBytes, double CpuSeconds);
