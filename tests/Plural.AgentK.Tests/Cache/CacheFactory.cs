using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;

namespace Plural.AgentK.Tests.Cache;

/// <summary>Caches filled by hand, for tests of what reads the cache.</summary>
internal static class CacheFactory
{
    public static IOptions<T> Options<T>(Action<T>? configure = null)
        where T : class, new()
    {
        var options = new T();
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public static ClusterCache Cache(IOptions<CacheOptions>? options = null) => new(options ?? Options<CacheOptions>());

    /// <summary>Lists <paramref name="items"/> into the store of their kind, as a completed first list would.</summary>
    public static void Fill(ClusterCache cache, string plural, params CachedObject[] items) =>
        cache.Publish(cache.Store(plural)!.Replace(items, DateTimeOffset.UtcNow));

    public static CachedObject Pod(string ns, string name, string phase = "Running", Dictionary<string, string>? labels = null, string node = "node-1") =>
        new("Pod", ns, name, "1", labels ?? [], new Dictionary<string, string>
        {
            [FieldPaths.Phase] = phase,
            [FieldPaths.NodeName] = node,
            [FieldPaths.Ready] = phase == "Running" ? "true" : "false",
        }, DateTimeOffset.UtcNow, phase);

    public static CachedObject Node(string name, bool ready) =>
        new("Node", "", name, "1", CachedObject.None, new Dictionary<string, string> { [FieldPaths.Ready] = ready ? "True" : "False" }, null, "");

    public static CachedObject Deployment(string ns, string name, int desired, int available) =>
        new("Deployment", ns, name, "1", CachedObject.None, new Dictionary<string, string>
        {
            [FieldPaths.Replicas] = desired.ToString(),
            [FieldPaths.AvailableReplicas] = available.ToString(),
        }, null, $"{available}/{desired} available");

    public static CachedObject Warning(string ns, string name, DateTimeOffset lastSeen) =>
        new("Event", ns, name, "1", CachedObject.None, new Dictionary<string, string>
        {
            [FieldPaths.EventType] = "Warning",
            [FieldPaths.EventLastSeen] = lastSeen.ToString("O"),
        }, lastSeen, "Warning BackOff");
}
