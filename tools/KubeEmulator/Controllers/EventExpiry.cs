using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Deletes Events an hour after they were last seen, like the real server's event TTL, so long sessions do not grow without bound.</summary>
internal sealed class EventExpiry(ObjectService objects) : IReconciler
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromHours(1);
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public void Reconcile()
    {
        var now = objects.Now;
        if (now - _lastSweep < Cadence) return;
        _lastSweep = now;
        foreach (var e in objects.List(BuiltInKinds.Event))
        {
            var seen = KubeTime.Parse(e.Str("lastTimestamp") ?? e.Str("metadata", "creationTimestamp"));
            if (seen is { } t && now - t > TimeToLive) objects.Delete(BuiltInKinds.Event, e.Namespace(), e.Name(), DeleteRequest.Background);
        }
    }
}
