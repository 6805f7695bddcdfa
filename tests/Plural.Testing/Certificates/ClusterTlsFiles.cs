namespace Plural.Testing.Certificates;

/// <summary>
/// The PEM files of <c>Orleans:Tls</c> for a test cluster: a throwaway cluster CA and one certificate (with its key)
/// that every silo and gateway of the test presents. Processes on Redis or PostgreSQL clustering need them, as in
/// production; a test about plain text passes <c>--Orleans:Tls:Enabled=false</c> instead.
/// </summary>
public sealed record ClusterTlsFiles(string AuthorityFile, string CertificateFile, string KeyFile)
{
    /// <summary>Writes a fresh cluster CA and a member certificate into <paramref name="directory"/>.</summary>
    public static ClusterTlsFiles Write(string directory)
    {
        using var authority = new TestAuthority("plural-test-cluster-ca");
        return authority.WriteClusterFiles(directory);
    }

    /// <summary>Writes them into a new temporary directory.</summary>
    public static ClusterTlsFiles Write() => Write(Directory.CreateTempSubdirectory("plural-cluster-tls-").FullName);

    /// <summary>The command-line arguments that point a silo or gateway at these files.</summary>
    public string[] Arguments =>
    [
        $"--Orleans:Tls:CertificateFile={CertificateFile}",
        $"--Orleans:Tls:KeyFile={KeyFile}",
        $"--Orleans:Tls:CaFile={AuthorityFile}",
    ];
}
