namespace Plural.Bench.Streaming;

/// <summary>One timed transfer of the body through one route.</summary>
/// <param name="Route">Route name.</param>
/// <param name="Direction"><c>download</c> or <c>upload</c>.</param>
/// <param name="Seconds">From sending the request to the last byte.</param>
/// <param name="Bytes">Body size (filled in by the report).</param>
/// <param name="Processes">Memory and CPU of each process on the route.</param>
public sealed record Transfer(string Route, string Direction, double Seconds, long Bytes, IReadOnlyList<TransferProcess> Processes)
{
    /// <summary>Throughput in MiB/s, once <see cref="Bytes"/> is known.</summary>
    public double MibPerSecond => Seconds > 0 ? Bytes / Seconds / (1 << 20) : 0;
}
