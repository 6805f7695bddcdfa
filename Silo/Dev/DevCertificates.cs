using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Silo.Dev;

/// <summary>
/// A throwaway CA and a loopback server certificate for all of the dev gateway's listeners, so that even the demo
/// runs over TLS as production does. Written as PEM files; the CA as <c>gateway-ca.pem</c> for agents and clients.
/// </summary>
internal sealed record DevCertificates(string AuthorityFile, string CertificateFile, string KeyFile)
{
    public static async Task<DevCertificates> WriteAsync(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=plural-dev-ca", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=plural-dev-gateway", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(authority, notBefore, notAfter.AddDays(-1), RandomNumberGenerator.GetBytes(12));

        var certificateFile = Path.Combine(directory, "gateway.pem");
        var keyFile = Path.Combine(directory, "gateway-key.pem");
        await File.WriteAllTextAsync(certificateFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        var authorityFile = Path.Combine(directory, "gateway-ca.pem");
        await File.WriteAllTextAsync(authorityFile, authority.ExportCertificatePem());
        return new DevCertificates(authorityFile, certificateFile, keyFile);
    }
}
