using k8s;
using k8s.Models;
using Plural.EndToEnd.Tests.Infrastructure;

namespace Plural.EndToEnd.Tests.KubernetesProxy;

/// <summary>
/// A kubectl watch through the tunnel that gets nothing for minutes stays open and still delivers the next event:
/// no idle timeout on the way (kubectl, gateway B, the hop to gateway A, the tunnel, the agent, the cluster) ends
/// it. Takes the idle period plus about half a minute; a class of its own, so it runs beside the other classes.
/// </summary>
public sealed class KubectlIdleWatchTests(KubectlPlatformFixture platform) : IClassFixture<KubectlPlatformFixture>
{
    /// <summary>How long the watches get no event. Longer than every keepalive and idle setting on the path.</summary>
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_watch_that_got_nothing_for_three_minutes_still_delivers_the_next_event_through_both_gateways()
    {
        var ns = "idle-watch";
        await platform.Cluster.CreateNamespaceAsync(ns);
        var watches = new List<KubectlStream>();
        try
        {
            foreach (var gateway in new[] { "A", "B" })
            {
                var (kubectl, _) = await platform.KubectlAsync(gateway, "idle-" + gateway.ToLowerInvariant(), []);
                watches.Add(kubectl.Stream("get", "configmaps", "-n", ns, "-w", "-o", "name"));
            }

            foreach (var watch in watches)
            {
                // The namespace's only config map: the list is done and the watch starts from its version.
                await watch.WaitForLineAsync(l => l == "configmap/kube-root-ca.crt", StreamTimeout);
            }

            await Task.Delay(IdlePeriod);
            Assert.All(watches, w => Assert.False(w.HasExited, $"the watch ended while idle: {w.Stderr}"));
            await platform.Cluster.Admin.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after-the-silence" } }, ns);

            foreach (var watch in watches)
            {
                await watch.WaitForLineAsync(l => l == "configmap/after-the-silence", StreamTimeout);
            }

            Assert.All(watches, w => Assert.Equal(["configmap/kube-root-ca.crt", "configmap/after-the-silence"], w.Lines));
        }
        finally
        {
            foreach (var watch in watches)
            {
                await watch.DisposeAsync();
            }
        }
    }
}
