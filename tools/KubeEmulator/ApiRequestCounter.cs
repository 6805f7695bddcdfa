using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace Plural.KubeEmulator;

/// <summary>
/// Counts every HTTP request the emulator receives, by <see cref="ApiRequestKey"/>. A request is counted
/// when it arrives, before authentication, so rejected, failed and long-running requests (watches, log
/// follows, exec sessions) count once each, and a client that has its response has been counted.
/// Safe to read from any thread while requests are being served.
/// </summary>
public sealed class ApiRequestCounter
{
    private readonly ConcurrentDictionary<ApiRequestKey, StrongBox<long>> _counts = new();
    private long _total;

    /// <summary>All requests received since the server started.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>
    /// Requests received for a verb and resource. <paramref name="resource"/> is matched as written in
    /// <see cref="ApiRequestKey.Resource"/> (<c>deployments.apps</c>, <c>pods/log</c>) or without the
    /// group (<c>deployments</c>, <c>deployments/scale</c>), which then adds up every group serving that name.
    /// </summary>
    public long Count(string verb, string resource)
    {
        ArgumentNullException.ThrowIfNull(verb);
        ArgumentNullException.ThrowIfNull(resource);
        long sum = 0;
        foreach (var (key, count) in _counts)
        {
            if (key.Verb == verb && (key.Resource == resource || WithoutGroup(key.Resource) == resource)) sum += Interlocked.Read(ref count.Value);
        }
        return sum;
    }

    /// <summary>A point-in-time copy of every count; keys with no requests are absent.</summary>
    public IReadOnlyDictionary<ApiRequestKey, long> Snapshot() =>
        _counts.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value));

    internal void Record(ApiRequestKey key)
    {
        Interlocked.Increment(ref _total);
        var count = _counts.GetOrAdd(key, static _ => new StrongBox<long>());
        Interlocked.Increment(ref count.Value);
    }

    /// <summary><c>deployments.apps/scale</c> → <c>deployments/scale</c>; paths of non-resource requests are left alone.</summary>
    private static string WithoutGroup(string resource)
    {
        if (resource.StartsWith('/')) return resource;
        var slash = resource.IndexOf('/');
        var name = slash < 0 ? resource : resource[..slash];
        var dot = name.IndexOf('.');
        return dot < 0 ? resource : name[..dot] + (slash < 0 ? "" : resource[slash..]);
    }
}
