using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Silo.Dev;

/// <summary>
/// A throwaway CA, a loopback server certificate for all of the dev gateway's listeners and a certificate for the
/// Orleans cluster, so that even the demo runs over TLS as production does. Written as PEM files; the CA as
/// <c>gateway-ca.pem</c> for agents and clients, and as the cluster CA of <c>Orleans:Tls</c>.
/// </summary>
internal sealed record DevCertificates(string AuthorityFile, string CertificateFile, string KeyFile, string ClusterCertificateFile, string ClusterKeyFile)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static async Task<DevCertificates> WriteAsync(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=plural-dev-ca", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        var authorityFile = Path.Combine(directory, "gateway-ca.pem");
        await File.WriteAllTextAsync(authorityFile, authority.ExportCertificatePem());
        var (certificateFile, keyFile) = await IssueAsync(authority, notBefore, notAfter, "plural-dev-gateway", directory, "gateway", ServerAuthentication);
        // The silo serves and opens Orleans connections with one certificate, so it allows both usages.
        var (clusterCertificateFile, clusterKeyFile) = await IssueAsync(authority, notBefore, notAfter, "plural-dev-silo", directory, "orleans",
            ServerAuthentication, ClientAuthentication);
        return new DevCertificates(authorityFile, certificateFile, keyFile, clusterCertificateFile, clusterKeyFile);
    }

    private static async Task<(string Certificate, string Key)> IssueAsync(X509Certificate2 authority, DateTimeOffset notBefore, DateTimeOffset notAfter,
        string name, string directory, string fileName, params Oid[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        using var certificate = request.Create(authority, notBefore, notAfter.AddDays(-1), RandomNumberGenerator.GetBytes(12));

        var certificateFile = Path.Combine(directory, fileName + ".pem");
        var keyFile = Path.Combine(directory, fileName + "-key.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}
