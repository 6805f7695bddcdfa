using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Cache;

/// <summary>
/// The agent's informer cache: one store per configured kind, filled by <see cref="InformerService"/>. Views and
/// cached queries read it; nothing here calls the API server.
/// </summary>
internal sealed class ClusterCache
{
    private readonly ConcurrentDictionary<ResourceKind, KindStore> _stores;

    public ClusterCache(IOptions<CacheOptions> options)
    {
        var cache = options.Value;
        Enabled = cache.Enabled;
        // Until the agent's configuration arrives: the built-in kinds of Agent:Cache:Kinds.
        _stores = new(cache.EffectiveKinds
            .Select(ResourceKinds.Find)
            .OfType<ResourceKind>()
            .Distinct()
            .ToDictionary(kind => kind, kind => new KindStore(kind, cache.DefaultBudget)));
    }

    /// <summary>Raised for every change the informers apply after a kind's first list.</summary>
    public event Action<CacheChange>? Changed;

    /// <summary>Raised whenever any store changed, including a kind's first list.</summary>
    public event Action? Updated;

    /// <summary>Informers run (the option), so stores will fill.</summary>
    public bool Enabled { get; }

    public IReadOnlyCollection<KindStore> Stores => [.. _stores.Values];

    /// <summary>Every configured kind completed its first list.</summary>
    public bool Synced => Enabled && _stores.Values.All(s => s.Synced);

    /// <summary>The store of <paramref name="kind"/>, or null when it is not configured.</summary>
    public KindStore? Store(ResourceKind kind) => _stores.GetValueOrDefault(kind);

    /// <summary>The store for a plural name, kind, short name or <c>plural.group</c>, or null when no cached kind has that name.</summary>
    public KindStore? Store(string name)
    {
        var trimmed = name.Trim();
        // A name two cached kinds share (events, events.events.k8s.io) means the core group's, as for kubectl.
        return _stores.Values.Where(s => s.Kind.IsNamed(trimmed)).OrderBy(s => s.Kind.Group.Length).FirstOrDefault();
    }

    /// <summary>Objects of one kind, or none when the kind is not configured.</summary>
    public IEnumerable<CachedObject> Objects(string plural) => Store(plural)?.Objects ?? [];

    /// <summary>
    /// Adds an empty store for <paramref name="kind"/> (the agent configuration asks to watch it), or returns the one
    /// it has, now with <paramref name="budget"/>.
    /// </summary>
    internal KindStore Add(ResourceKind kind, KindBudget budget)
    {
        var store = _stores.GetOrAdd(kind, k => new KindStore(k, budget));
        store.Budget = budget;
        return store;
    }

    /// <summary>Drops the store of <paramref name="kind"/> and what it held (the agent configuration stopped watching it).</summary>
    internal bool Remove(ResourceKind kind) => _stores.TryRemove(kind, out _);

    internal void Publish(IReadOnlyList<CacheChange> changes)
    {
        var changed = Changed;
        if (changed is not null)
        {
            foreach (var change in changes)
            {
                changed(change);
            }
        }

        Updated?.Invoke();
    }
}
