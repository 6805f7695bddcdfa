using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Plural.AgentK.Leadership;

/// <summary>
/// The one Lease the replicas compete for, read and written with the API server's optimistic concurrency: a write
/// that lost a race (409 AlreadyExists on create, 409 Conflict on a stale resourceVersion) answers null instead of
/// throwing, because losing a race is an ordinary outcome of an election.
/// </summary>
internal sealed class LeaseLock(IKubernetes client, string name, string @namespace)
{
    public string Description => $"{@namespace}/{name}";

    /// <summary>The Lease, or null when there is none yet.</summary>
    public async Task<V1Lease?> GetAsync(CancellationToken ct)
    {
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException missing) when (missing.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the Lease with <paramref name="spec"/>; null when another replica created it first.</summary>
    public async Task<V1Lease?> CreateAsync(V1LeaseSpec spec, CancellationToken ct)
    {
        try
        {
            return await client.CoordinationV1.CreateNamespacedLeaseAsync(
                new V1Lease { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace }, Spec = spec }, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException lost) when (lost.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    /// <summary>Replaces the Lease as read (its resourceVersion included); null when it changed since.</summary>
    public async Task<V1Lease?> ReplaceAsync(V1Lease lease, CancellationToken ct)
    {
        try
        {
            return await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException lost) when (lost.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
    }
}
