using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throwaway CA and a loopback server certificate it signed, as PEM files, for gateways whose HTTP listener is
/// <c>https://</c>: kubectl sends bearer tokens only over TLS.
/// </summary>
internal sealed record GatewayCertificates(string AuthorityFile, string CertificateFile, string KeyFile)
{
    public static async Task<GatewayCertificates> WriteAsync(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=plural-e2e-ca", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=plural-e2e-gateway", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(authority, notBefore, notAfter.AddHours(-1), RandomNumberGenerator.GetBytes(12));

        var certificates = new GatewayCertificates(
            Path.Combine(directory, "gateway-ca.pem"), Path.Combine(directory, "gateway.pem"), Path.Combine(directory, "gateway-key.pem"));
        await File.WriteAllTextAsync(certificates.AuthorityFile, authority.ExportCertificatePem());
        await File.WriteAllTextAsync(certificates.CertificateFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(certificates.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}
