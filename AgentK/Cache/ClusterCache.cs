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
    private readonly int _maxObjectsPerKind;

    public ClusterCache(IOptions<CacheOptions> options)
    {
        var cache = options.Value;
        Enabled = cache.Enabled;
        _maxObjectsPerKind = cache.MaxObjectsPerKind;
        _stores = new(cache.EffectiveKinds
            .Select(ResourceKinds.Find)
            .OfType<ResourceKind>()
            .Distinct()
            .ToDictionary(kind => kind, kind => new KindStore(kind, cache.MaxObjectsPerKind)));
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

    /// <summary>The store for a plural name, kind or short name, or null when not configured.</summary>
    public KindStore? Store(string name) => ResourceKinds.Find(name) is { } kind ? Store(kind) : null;

    /// <summary>Objects of one kind, or none when the kind is not configured.</summary>
    public IEnumerable<CachedObject> Objects(string plural) => Store(plural)?.Objects ?? [];

    /// <summary>Adds an empty store for <paramref name="kind"/> (the agent configuration asks to watch it), or returns the one it has.</summary>
    internal KindStore Add(ResourceKind kind) => _stores.GetOrAdd(kind, k => new KindStore(k, _maxObjectsPerKind));

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
