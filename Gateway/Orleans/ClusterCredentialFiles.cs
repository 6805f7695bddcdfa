using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Gateway.Orleans;

/// <summary>The three PEM files of <c>Orleans:Tls</c>, read together and parsed into <see cref="ClusterCredentials"/>.</summary>
internal sealed record ClusterCredentialFiles(string CertificateFile, string KeyFile, string CaFile, bool Serves)
{
    /// <summary>The files of <paramref name="options"/>; <paramref name="serves"/> when the process accepts connections (a silo).</summary>
    public static ClusterCredentialFiles From(OrleansTlsOptions options, bool serves) =>
        new(options.CertificateFile ?? "", options.KeyFile ?? "", options.CaFile ?? "", serves);

    /// <summary>The files' contents as they are now: what <see cref="Parse"/> reads and what a reload compares.</summary>
    public ClusterCredentialTexts Read() => new(File.ReadAllText(CertificateFile), File.ReadAllText(KeyFile), File.ReadAllText(CaFile));

    /// <summary>Reads and parses the files; throws <see cref="InvalidDataException"/> naming the key of the file that is wrong.</summary>
    public ClusterCredentials Load() => Parse(Read());

    /// <summary>Parses one reading; throws <see cref="InvalidDataException"/> naming the key of the file that is wrong.</summary>
    public ClusterCredentials Parse(ClusterCredentialTexts texts)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(texts.Authorities);
        }
        catch (CryptographicException ex)
        {
            throw Invalid("CaFile", CaFile, $"is not a PEM certificate ({ex.Message.TrimEnd('.')})");
        }

        if (authorities.Count == 0)
        {
            throw Invalid("CaFile", CaFile, "holds no PEM certificate");
        }

        X509Certificate2 certificate;
        try
        {
            using var alone = X509Certificate2.CreateFromPem(texts.Certificate);
        }
        catch (CryptographicException ex)
        {
            throw Invalid("CertificateFile", CertificateFile, $"is not a PEM certificate ({ex.Message.TrimEnd('.')})");
        }

        try
        {
            certificate = X509Certificate2.CreateFromPem(texts.Certificate, texts.Key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw Invalid("KeyFile", KeyFile, $"is not the PEM private key of Orleans:Tls:CertificateFile ({ex.Message.TrimEnd('.')})");
        }

        // A certificate the peers would refuse fails here, at start or at a reload, instead of at every handshake.
        if (ClusterChain.Problem(certificate, authorities, ClusterChain.ClientAuthentication) is { } clientProblem)
        {
            throw Invalid("CertificateFile", CertificateFile, $"{certificate.Subject} cannot be used towards the cluster: {clientProblem} (Orleans:Tls:CaFile, client authentication)");
        }

        if (Serves && ClusterChain.Problem(certificate, authorities, ClusterChain.ServerAuthentication) is { } serverProblem)
        {
            throw Invalid("CertificateFile", CertificateFile, $"{certificate.Subject} cannot serve the cluster: {serverProblem} (server authentication)");
        }

        return new ClusterCredentials(certificate, authorities);
    }

    private static InvalidDataException Invalid(string key, string file, string problem) =>
        new($"Orleans:Tls:{key}: file '{file}' {problem}.");
}
