using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>
/// <c>coordination.k8s.io/v1</c> Leases through KubernetesClient, as a leader election uses them: read, create when
/// missing, replace with the resourceVersion read; a candidate that lost a race gets the API server's 409.
/// </summary>
public sealed class LeaseTests
{
    private static V1Lease Lease(string name, string holder, int seconds = 15) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1LeaseSpec
        {
            HolderIdentity = holder,
            LeaseDurationSeconds = seconds,
            AcquireTime = new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc),
            RenewTime = new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc),
            LeaseTransitions = 0,
        },
    };

    [Fact]
    public async Task Lease_keeps_its_holder_duration_and_times_as_written()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();

        await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", "pod-a"), "default");
        var read = await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default");

        Assert.Equal("pod-a", read.Spec.HolderIdentity);
        Assert.Equal(15, read.Spec.LeaseDurationSeconds);
        Assert.Equal(0, read.Spec.LeaseTransitions);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), read.Spec.RenewTime!.Value.ToUniversalTime());
        Assert.False(string.IsNullOrEmpty(read.ResourceVersion()));
    }

    [Fact]
    public async Task Creating_a_lease_that_exists_is_a_409_AlreadyExists()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", "pod-a"), "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", "pod-b"), "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal("leases.coordination.k8s.io \"agent\" already exists", status.Message);
        Assert.Equal("pod-a", (await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task Of_two_candidates_replacing_the_same_version_the_second_gets_a_409_Conflict()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", ""), "default");
        var first = await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default");
        var second = await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default");

        first.Spec.HolderIdentity = "pod-a";
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(first, "agent", "default");
        second.Spec.HolderIdentity = "pod-b";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(second, "agent", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal("Operation cannot be fulfilled on leases.coordination.k8s.io \"agent\": the object has been modified; please apply your changes to the latest version and try again", status.Message);
        Assert.Equal("pod-a", (await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task Renewing_with_the_version_just_written_succeeds_and_moves_the_version_on()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var held = await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", "pod-a"), "default");

        held.Spec.RenewTime = held.Spec.RenewTime!.Value.AddSeconds(2);
        var renewed = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(held, "agent", "default");

        Assert.NotEqual(held.ResourceVersion(), renewed.ResourceVersion());
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 7, 123, DateTimeKind.Utc), renewed.Spec.RenewTime!.Value.ToUniversalTime());
    }

    [Theory]
    [InlineData(0, 0, "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0")]
    [InlineData(-5, 0, "spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0")]
    [InlineData(15, -1, "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0")]
    public async Task A_lease_the_api_server_would_refuse_is_422_Invalid_with_its_message(int duration, int transitions, string cause)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var lease = Lease("agent", "pod-a", duration);
        lease.Spec.LeaseTransitions = transitions;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default"));

        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal($"Lease.coordination.k8s.io \"agent\" is invalid: {cause}", status.Message);
    }

    [Fact]
    public async Task A_preferred_holder_without_a_strategy_is_forbidden()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var lease = Lease("agent", "pod-a");
        lease.Spec.PreferredHolder = "pod-b";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default"));

        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        Assert.Contains("spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task An_update_that_makes_a_held_lease_invalid_is_refused_and_the_lease_stays()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = cluster.Client();
        var held = await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent", "pod-a"), "default");

        held.Spec.LeaseDurationSeconds = 0;
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(held, "agent", "default"));

        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        Assert.Equal(15, (await client.CoordinationV1.ReadNamespacedLeaseAsync("agent", "default")).Spec.LeaseDurationSeconds);
    }
}
