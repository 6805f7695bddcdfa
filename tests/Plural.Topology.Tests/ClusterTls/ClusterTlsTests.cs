using Plural.Protocol.Server;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.ClusterTls;

/// <summary>
/// Orleans traffic between real silo and gateway processes is mutual TLS against the cluster CA: members work,
/// strangers (another CA, no certificate, plain text) are refused, and replaced certificate files are used for new
/// connections without a restart.
/// </summary>
public sealed class ClusterTlsTests(ClusterTlsFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterTlsFixture>
{
    // What a process logs when it refuses a certificate of the test's cluster CA (a member's, before or after rotation).
    private const string MemberRefused = "(issuer CN=plural-test-cluster-ca) is not accepted";

    private TopologyCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Two_silos_and_a_gateway_with_cluster_certificates_form_a_cluster_and_serve_calls()
    {
        // The second silo became ready only after reaching the first over TLS (Orleans checks connectivity on join).
        Assert.Equal(2, Cluster.Silos.Count);
        var (api, channel) = Cluster.OpenApi();
        using (channel)
        {
            var registered = await api.RegisterAgentAsync(new RegisterAgentRequest { Name = "tls-" + Guid.NewGuid().ToString("N")[..8] });

            Assert.False(string.IsNullOrEmpty(registered.Token.Token));
        }

        foreach (var silo in Cluster.Silos)
        {
            Assert.False(silo.Process.Printed(MemberRefused), $"{silo.Name} refused a member:\n{silo.Process.Output}");
        }
    }

    [Fact]
    public async Task A_silo_with_a_certificate_of_another_ca_cannot_join_the_cluster()
    {
        using var foreign = new TestAuthority("intruder-ca");
        var files = foreign.WriteClusterFiles(System.IO.Directory.CreateTempSubdirectory("plural-intruder-").FullName, "intruder");
        var intruder = Cluster.LaunchSilo(files.Arguments);
        try
        {
            // Each side refuses the other's certificate; the members then vote the silo that never answers dead, and
            // it stops (or it keeps trying to validate its connections until its join deadline).
            await Eventually.HoldsAsync(() => intruder.Process.HasExited || intruder.Process.Printed(MemberRefused), TimeSpan.FromSeconds(90),
                "the intruder refusing the members' certificates");
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.False(await IsReadyAsync(intruder), $"the intruder joined:\n{intruder.Process.Output}");
            Assert.True(intruder.Process.Printed(MemberRefused), intruder.Process.Output);
            Assert.Contains(Cluster.Silos, s => s != intruder && s.Process.Printed("whose certificate CN=intruder (issuer CN=intruder-ca) is not accepted"));
            var (api, channel) = Cluster.OpenApi();
            using (channel)
            {
                await api.ListAgentsAsync(new ListAgentsRequest());
            }
        }
        finally
        {
            await Cluster.StopSiloAsync(intruder, kill: true);
        }
    }

    [Fact]
    public async Task A_silo_refuses_gateways_without_a_client_certificate_or_with_one_of_another_ca()
    {
        var port = Cluster.Silos[0].GatewayPort;
        using var member = OrleansTlsProbe.Load(Cluster.Tls.CertificateFile, Cluster.Tls.KeyFile);
        using var foreign = new TestAuthority("intruder-ca");
        using var stranger = foreign.IssueClusterCertificate("intruder");

        var withMember = await OrleansTlsProbe.ConnectAsync(port, member);
        var withNone = await OrleansTlsProbe.ConnectAsync(port, null);
        var withStranger = await OrleansTlsProbe.ConnectAsync(port, stranger);

        output.WriteLine($"member: {withMember.Detail}; none: {withNone.Detail}; stranger: {withStranger.Detail}");
        Assert.True(withMember.Kept, withMember.Detail);
        Assert.False(withNone.Kept, withNone.Detail);
        Assert.False(withStranger.Kept, withStranger.Detail);
        await Cluster.Silos[0].Process.WaitForOutputAsync("Orleans TLS: refused a client whose certificate CN=intruder", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_gateway_speaking_plain_text_never_reaches_the_silos()
    {
        var gateway = Cluster.LaunchGateway("gw-plain", inRotation: false, "--Orleans:Tls:Enabled=false");
        try
        {
            await gateway.Process.WaitForOutputAsync("Connection attempt to endpoint", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(10));

            Assert.False(gateway.Process.Printed("Application started"), $"the plain-text gateway started:\n{gateway.Process.Output}");
            Assert.False(gateway.Process.HasExited);
        }
        finally
        {
            await Cluster.StopGatewayAsync(gateway, kill: true);
        }
    }

    [Fact]
    public async Task Certificate_files_replaced_while_the_silos_run_are_used_for_new_connections()
    {
        var silo = Cluster.Silos[0];
        using var member = OrleansTlsProbe.Load(Cluster.Tls.CertificateFile, Cluster.Tls.KeyFile);
        var before = await OrleansTlsProbe.ConnectAsync(silo.GatewayPort, member);

        // Same CA, new certificate and key, written over the files the running processes read.
        fixture.Authority.WriteClusterFiles(fixture.Directory, "plural-rotated-node");
        var after = await Eventually.GetAsync(async () =>
        {
            var probe = await OrleansTlsProbe.ConnectAsync(silo.GatewayPort, member);
            return probe.ServerCertificate?.Subject == "CN=plural-rotated-node" ? probe : null;
        }, TimeSpan.FromSeconds(20), "the silo serving the rotated certificate");

        Assert.Equal("CN=plural-test-node", before.ServerCertificate?.Subject);
        Assert.True(after.Kept, after.Detail);
        await silo.Process.WaitForOutputAsync("Orleans TLS: the files changed; new connections use certificate CN=plural-rotated-node", TimeSpan.FromSeconds(5));
        // The old certificate, still valid, keeps opening connections too: rotation does not cut off members.
        var (api, channel) = Cluster.OpenApi();
        using (channel)
        {
            await api.ListAgentsAsync(new ListAgentsRequest());
        }
    }

    private static async Task<bool> IsReadyAsync(SiloNode silo)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(silo.HttpUrl, "/readyz"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
