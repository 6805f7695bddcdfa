namespace Plural.Bench.Storm;

/// <summary>One second of the storm: agents connected at its end, grain requests the silo dispatched and store transactions committed during it.</summary>
public sealed record StormSample(double AtSeconds, int Connected, double GrainRequests, long StoreTransactions);
