namespace Plural.Grains.Agents;

/// <summary>The leases of one agent, keyed by (gateway, agent instance). Not thread-safe: grain-owned.</summary>
internal sealed class LeaseTable
{
    private readonly Dictionary<(string Gateway, string Instance), TunnelLease> _leases = [];

    public void Put(TunnelLease lease) => _leases[(lease.GatewayId, lease.InstanceId)] = lease;

    public TunnelLease? Find(string gatewayId, string instanceId) => _leases.GetValueOrDefault((gatewayId, instanceId));

    public void Drop(string gatewayId, string instanceId) => _leases.Remove((gatewayId, instanceId));

    public bool AnyLive(DateTimeOffset now) => _leases.Values.Any(l => l.ExpiresAt > now);

    public IReadOnlyList<TunnelLease> Live(DateTimeOffset now) =>
        [.. _leases.Values.Where(l => l.ExpiresAt > now).OrderBy(l => l.GatewayId, StringComparer.Ordinal)];

    /// <summary>Removes expired leases and returns the latest expiry among them, or null if none expired.</summary>
    public DateTimeOffset? ExpireAll(DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        foreach (var (key, lease) in _leases.Where(kv => kv.Value.ExpiresAt <= now).ToList())
        {
            _leases.Remove(key);
            latest = latest is null || lease.ExpiresAt > latest ? lease.ExpiresAt : latest;
        }

        return latest;
    }
}
