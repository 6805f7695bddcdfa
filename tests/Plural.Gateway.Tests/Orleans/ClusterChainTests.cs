using System.Security.Cryptography.X509Certificates;
using Plural.Gateway.Orleans;

namespace Plural.Gateway.Tests.Orleans;

/// <summary>A peer is a cluster member only through the cluster CA, never through the system's trust store.</summary>
public sealed class ClusterChainTests : IDisposable
{
    private readonly TestAuthority _authority = new("cluster-ca");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cluster-chain-");

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }

    private X509Certificate2Collection Authorities()
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(_authority.WritePem(Path.Combine(_directory.FullName, "ca.pem")));
        return authorities;
    }

    [Fact]
    public void A_certificate_of_the_cluster_ca_is_accepted_for_both_usages()
    {
        using var member = _authority.IssueClusterCertificate("member");

        Assert.Null(ClusterChain.Problem(member, Authorities(), ClusterChain.ClientAuthentication));
        Assert.Null(ClusterChain.Problem(member, Authorities(), ClusterChain.ServerAuthentication));
    }

    [Fact]
    public void A_certificate_of_another_ca_or_a_self_signed_one_is_refused()
    {
        using var other = new TestAuthority("other-ca");
        using var stranger = other.IssueClusterCertificate("stranger");
        using var selfSigned = TestAuthority.SelfSignedServerCertificate();

        Assert.Contains("not issued by the cluster CA", ClusterChain.Problem(stranger, Authorities(), ClusterChain.ClientAuthentication));
        Assert.NotNull(ClusterChain.Problem(selfSigned, Authorities(), ClusterChain.ServerAuthentication));
    }

    [Fact]
    public void A_server_only_certificate_of_the_cluster_ca_cannot_open_connections()
    {
        using var serverOnly = _authority.IssueServerCertificate();

        Assert.NotNull(ClusterChain.Problem(serverOnly, Authorities(), ClusterChain.ClientAuthentication));
        Assert.Null(ClusterChain.Problem(serverOnly, Authorities(), ClusterChain.ServerAuthentication));
    }
}
