namespace Plural.Bench.Processes;

/// <summary>Resident memory and CPU seconds used so far by a process tree.</summary>
/// <param name="RssBytes">Resident set size, summed over the tree.</param>
/// <param name="CpuSeconds">User plus system CPU time, summed over the live members of the tree.</param>
public readonly record struct ProcessSample(long RssBytes, double CpuSeconds);
