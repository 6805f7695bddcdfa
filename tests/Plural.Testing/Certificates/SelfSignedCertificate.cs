using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Testing.Certificates;

/// <summary>A throwaway server certificate for 127.0.0.1, written as PEM files the gateway and the agent read.</summary>
public static class SelfSignedCertificate
{
    /// <summary>Writes <c>gateway.pem</c> and <c>gateway.key</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Certificate, string Key) Write(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var paths = (Path.Combine(directory, "gateway.pem"), Path.Combine(directory, "gateway.key"));
        File.WriteAllText(paths.Item1, certificate.ExportCertificatePem());
        File.WriteAllText(paths.Item2, key.ExportPkcs8PrivateKeyPem());
        return paths;
    }
}
