using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Plural.Gateway.Orleans;

/// <summary>
/// The TLS settings of Orleans connections: this process's certificate picked per connection from the reloading
/// credentials, a certificate required from the peer both ways, and the peer's certificate accepted only when it
/// chains to the cluster CA. Silos use <see cref="Inbound"/> and <see cref="Outbound"/>, gateways <see cref="Outbound"/>.
/// </summary>
public sealed partial class ClusterTls
{
    private readonly ReloadingClusterCredentials _credentials;
    private readonly ILogger _logger;

    internal ClusterTls(ReloadingClusterCredentials credentials, ILogger<ClusterTls> logger)
    {
        _credentials = credentials;
        _logger = logger;
    }

    /// <summary>For connections this silo accepts (from silos and gateways): the peer must present a client certificate.</summary>
    public TlsOptions Inbound()
    {
        var options = Common(ClusterChain.ClientAuthentication, "client");
        options.LocalServerCertificateSelector = (_, _) => _credentials.Current.Certificate;
        return options;
    }

    /// <summary>For connections this process opens to silos: it presents its certificate and checks the silo's.</summary>
    public TlsOptions Outbound()
    {
        var options = Common(ClusterChain.ServerAuthentication, "silo");
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.LocalClientCertificateSelector = (_, _, _, _, _) => _credentials.Current.Certificate;
        return options;
    }

    private TlsOptions Common(Oid peerUsage, string peerRole) => new()
    {
        // Orleans checks at configuration that a certificate exists; the selectors above supply the current one per connection.
        LocalCertificate = _credentials.Current.Certificate,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = (certificate, chain, _) => Accept(certificate, chain, peerUsage, peerRole),
    };

    // The platform's own verdict (against the system store, with the host name) is ignored on purpose: peers are
    // reached by IP and their certificates come from the cluster CA, which the system does not know.
    private bool Accept(X509Certificate2 certificate, X509Chain? presented, Oid usage, string peerRole)
    {
        var intermediates = presented?.ChainPolicy.ExtraStore.Cast<X509Certificate2>() ?? [];
        if (ClusterChain.Problem(certificate, _credentials.Current.Authorities, usage, intermediates) is not { } problem)
        {
            return true;
        }

        LogRefused(_logger, peerRole, certificate.Subject, certificate.Issuer, problem);
        return false;
    }

    [LoggerMessage(EventId = 3411, Level = LogLevel.Warning,
        Message = "Orleans TLS: refused a {PeerRole} whose certificate {Subject} (issuer {Issuer}) is not accepted by Orleans:Tls:CaFile: {Problem}")]
    private static partial void LogRefused(ILogger logger, string peerRole, string subject, string issuer, string problem);
}
