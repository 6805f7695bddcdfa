namespace Plural.Gateway.Orleans;

/// <summary>
/// Mutual TLS between silos and from gateways to silos: this process's certificate and key, and the cluster CA every
/// peer's certificate must chain to. Section <c>Orleans:Tls</c>, read by silos and standalone gateways alike.
/// </summary>
internal sealed class OrleansTlsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Orleans:Tls";

    /// <summary>
    /// Unset: TLS when the files are configured, and required with a clustering other than <c>Localhost</c>.
    /// <c>true</c>: required. <c>false</c>: plain text, for a private network the operator trusts.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>PEM certificate this process presents to its peers, as server and as client.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>PEM certificate(s) of the cluster CA; a peer's certificate must chain to one of them, the system's trust store is not used.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// How often, at most, the files are read again to see whether they changed (on the next new connection).
    /// Zero reads them for every new connection.
    /// </summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether any of the three files is configured.</summary>
    public bool AnyFile => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile) || !string.IsNullOrWhiteSpace(CaFile);

    /// <summary>Whether Orleans connections use TLS with the given clustering.</summary>
    public bool IsOn(ClusteringProvider clustering) => Enabled ?? (AnyFile || clustering != ClusteringProvider.Localhost);
}
