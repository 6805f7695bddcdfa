using System.Security.Cryptography.X509Certificates;
using Plural.Gateway.Orleans;

namespace Plural.Gateway.Tests.Orleans;

/// <summary>
/// Production mode for Orleans: with a clustering other than Localhost, a silo or gateway starts only with the cluster
/// TLS files, unless Orleans:Tls:Enabled=false says plain text on purpose.
/// </summary>
public sealed class OrleansTlsOptionsValidatorTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("orleans-tls-options-");
    private readonly TestAuthority _authority = new("cluster-ca");

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }

    [Theory]
    [InlineData(ClusteringProvider.Postgres, true)]
    [InlineData(ClusteringProvider.Redis, false)]
    public void A_shared_clustering_without_tls_files_is_refused_naming_the_files_and_the_opt_out(ClusteringProvider clustering, bool serves)
    {
        var refused = Validate(new OrleansTlsOptions(), clustering, serves);

        Assert.Contains("Orleans:Tls: CertificateFile, KeyFile, CaFile (PEM) must be set", refused);
        Assert.Contains($"Orleans:ClusteringProvider is {clustering}", refused);
        Assert.Contains("Orleans:Tls:Enabled=false", refused);
    }

    [Fact]
    public void The_explicit_opt_out_permits_plain_text_on_a_shared_clustering()
    {
        Assert.Null(Validate(new OrleansTlsOptions { Enabled = false }, ClusteringProvider.Redis));
        Assert.False(new OrleansTlsOptions { Enabled = false }.IsOn(ClusteringProvider.Redis));
    }

    [Fact]
    public void Localhost_clustering_needs_no_files_but_uses_them_when_given()
    {
        Assert.Null(Validate(new OrleansTlsOptions(), ClusteringProvider.Localhost));
        Assert.False(new OrleansTlsOptions().IsOn(ClusteringProvider.Localhost));
        Assert.True(Files().IsOn(ClusteringProvider.Localhost));
    }

    [Fact]
    public void Enabled_without_files_is_refused_even_on_localhost()
    {
        Assert.Contains("Orleans:Tls:Enabled is true", Validate(new OrleansTlsOptions { Enabled = true }, ClusteringProvider.Localhost));
    }

    [Fact]
    public void Cluster_certificate_files_are_accepted_for_silos_and_gateways()
    {
        Assert.Null(Validate(Files(), ClusteringProvider.Redis, serves: true));
        Assert.Null(Validate(Files(), ClusteringProvider.Redis, serves: false));
    }

    [Fact]
    public void A_missing_file_is_refused_naming_its_key_and_path()
    {
        var options = Files();
        options.CaFile = Path.Combine(_directory.FullName, "missing-ca.pem");

        Assert.Contains($"Orleans:Tls:CaFile: file '{options.CaFile}' does not exist", Validate(options, ClusteringProvider.Postgres));
    }

    [Fact]
    public void A_certificate_that_does_not_chain_to_the_ca_file_is_refused_at_start()
    {
        var options = Files();
        using var other = new TestAuthority("other-ca");
        options.CaFile = other.WritePem(Path.Combine(_directory.FullName, "other-ca.pem"));

        var refused = Validate(options, ClusteringProvider.Redis);

        Assert.Contains("Orleans:Tls:CertificateFile", refused);
        Assert.Contains("not issued by the cluster CA", refused);
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused_naming_the_key_file()
    {
        var options = Files();
        var other = _authority.WriteClusterFiles(Directory.CreateDirectory(Path.Combine(_directory.FullName, "other")).FullName, "other");
        options.KeyFile = other.KeyFile;

        Assert.Contains("Orleans:Tls:KeyFile", Validate(options, ClusteringProvider.Redis));
    }

    [Fact]
    public void A_certificate_without_client_authentication_is_refused_for_silos_and_gateways()
    {
        var options = Files();
        using var serverOnly = _authority.IssueServerCertificate();
        options.CertificateFile = Path.Combine(_directory.FullName, "server-only.pem");
        options.KeyFile = Path.Combine(_directory.FullName, "server-only-key.pem");
        File.WriteAllText(options.CertificateFile, serverOnly.ExportCertificatePem());
        using (var key = serverOnly.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(options.KeyFile, key.ExportPkcs8PrivateKeyPem());
        }

        // Without client authentication neither can open connections to silos.
        Assert.Contains("cannot be used towards the cluster", Validate(options, ClusteringProvider.Redis, serves: true));
        Assert.Contains("cannot be used towards the cluster", Validate(options, ClusteringProvider.Redis, serves: false));
    }

    private OrleansTlsOptions Files()
    {
        var files = _authority.WriteClusterFiles(_directory.FullName);
        return new OrleansTlsOptions { CertificateFile = files.CertificateFile, KeyFile = files.KeyFile, CaFile = files.AuthorityFile };
    }

    private static string? Validate(OrleansTlsOptions options, ClusteringProvider clustering, bool serves = true)
    {
        var result = new OrleansTlsOptionsValidator(clustering, serves).Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }
}
