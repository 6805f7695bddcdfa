namespace Plural.Testing.Certificates;

/// <summary>
/// PEM files of a throwaway CA and a loopback server certificate it signed (with its key), for gateways whose
/// listeners are <c>https://</c>: kubectl sends bearer tokens only over TLS.
/// </summary>
public sealed record GatewayCertificates(string AuthorityFile, string CertificateFile, string KeyFile)
{
    /// <summary>Writes a fresh authority and server certificate into <paramref name="directory"/>.</summary>
    public static async Task<GatewayCertificates> WriteAsync(string directory)
    {
        using var authority = new TestAuthority("plural-test-ca");
        return await authority.WriteServerFilesAsync(directory);
    }
}
