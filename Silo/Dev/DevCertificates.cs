using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Silo.Dev;

/// <summary>
/// A throwaway CA and a loopback server certificate for the dev gateway's HTTP listener: kubectl
/// only sends bearer tokens over TLS, so even the demo needs it. Written as PEM files.
/// </summary>
internal sealed record DevCertificates(string AuthorityPem, string CertificateFile, string KeyFile)
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
        var authorityPem = authority.ExportCertificatePem();
        await File.WriteAllTextAsync(Path.Combine(directory, "gateway-ca.pem"), authorityPem);
        return new DevCertificates(authorityPem, certificateFile, keyFile);
    }
}
