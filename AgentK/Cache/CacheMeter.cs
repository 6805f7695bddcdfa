using System.Diagnostics.Metrics;
using Plural.AgentK.Observability;

namespace Plural.AgentK.Cache;

/// <summary>
/// The cache's instruments on the agent's <c>/metrics</c>: how often a kind reached its budget, and the objects and
/// estimated bytes each kind holds.
/// </summary>
internal sealed class CacheMeter : IDisposable
{
    private readonly Meter _meter = new(AgentMeter.Name);
    private readonly Counter<long> _budgetReached;

    public CacheMeter(ClusterCache cache)
    {
        _budgetReached = _meter.CreateCounter<long>("plural_agent_cache_budget_reached",
            description: "Times a cached kind reached its object or byte budget, so that further objects were not cached.");
        _meter.CreateObservableGauge("plural_agent_cache_objects",
            () => cache.Stores.Select(s => new Measurement<long>(s.Count, Kind(s))), description: "Objects the cache holds, by kind.");
        _meter.CreateObservableGauge("plural_agent_cache_bytes",
            () => cache.Stores.Select(s => new Measurement<long>(s.Bytes, Kind(s))), unit: "By",
            description: "Estimated bytes the cache holds, by kind.");
    }

    /// <summary>Counts a kind that has just reached its budget.</summary>
    public void BudgetReached(KindStore store) => _budgetReached.Add(1, Kind(store));

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Kind(KindStore store) => new("kind", store.Kind.GroupResource);
}
