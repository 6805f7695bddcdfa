using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Testing.Certificates;

/// <summary>A throwaway certificate authority that issues loopback server certificates, and writes itself as a PEM file.</summary>
public sealed class TestAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    public TestAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Writes the authority's certificate (no key) to <paramref name="path"/>, for an agent to pin.</summary>
    public string WritePem(string path)
    {
        File.WriteAllText(path, _certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>
    /// Writes this authority's certificate and a loopback server certificate it signed, with that certificate's key,
    /// as PEM files into <paramref name="directory"/>.
    /// </summary>
    public async Task<GatewayCertificates> WriteServerFilesAsync(string directory)
    {
        using var server = IssueServerCertificate();
        using var key = server.GetECDsaPrivateKey()!;
        var files = new GatewayCertificates(
            Path.Combine(directory, "gateway-ca.pem"), Path.Combine(directory, "gateway.pem"), Path.Combine(directory, "gateway-key.pem"));
        await File.WriteAllTextAsync(files.AuthorityFile, _certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(files.CertificateFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(files.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return files;
    }

    /// <summary>A certificate for 127.0.0.1 and localhost signed by this authority, with its private key.</summary>
    public X509Certificate2 IssueServerCertificate() => Server(request => request.Create(_certificate,
        DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(12)));

    /// <summary>
    /// A certificate for a member of an Orleans cluster (silo or gateway) signed by this authority, with its key: it
    /// serves and opens connections, so it allows server and client authentication.
    /// </summary>
    public X509Certificate2 IssueClusterCertificate(string name) => Server(request => request.Create(_certificate,
        DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(12)),
        name, ServerAuthentication, ClientAuthentication);

    /// <summary>
    /// Writes this authority's certificate and a cluster certificate it signed for <paramref name="name"/>, with its
    /// key, as the PEM files of <c>Orleans:Tls</c> into <paramref name="directory"/>.
    /// </summary>
    public ClusterTlsFiles WriteClusterFiles(string directory, string name = "plural-test-node")
    {
        using var node = IssueClusterCertificate(name);
        using var key = node.GetECDsaPrivateKey()!;
        var files = new ClusterTlsFiles(
            Path.Combine(directory, "cluster-ca.pem"), Path.Combine(directory, "cluster.pem"), Path.Combine(directory, "cluster-key.pem"));
        File.WriteAllText(files.AuthorityFile, _certificate.ExportCertificatePem());
        File.WriteAllText(files.CertificateFile, node.ExportCertificatePem());
        File.WriteAllText(files.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return files;
    }

    /// <summary>A certificate for 127.0.0.1 and localhost that signs itself: no authority vouches for it.</summary>
    public static X509Certificate2 SelfSignedServerCertificate() => Server(request =>
        request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12)));

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private static X509Certificate2 Server(Func<CertificateRequest, X509Certificate2> sign) =>
        Server(sign, "plural-test-gateway", ServerAuthentication);

    private static X509Certificate2 Server(Func<CertificateRequest, X509Certificate2> sign, string name, params Oid[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        using var signed = sign(request);
        return signed.HasPrivateKey ? X509CertificateLoader.LoadPkcs12(signed.Export(X509ContentType.Pkcs12), null)
            : X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
