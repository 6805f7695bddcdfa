namespace Plural.Bench.Storm;

/// <summary>One sample of the storm (about a second): agents connected at its end, grain requests the silo dispatched and store transactions committed per second during it.</summary>
public sealed record StormSample(double AtSeconds, int Connected, double GrainRequests, long StoreTransactions);
