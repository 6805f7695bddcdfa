using Plural.Protocol.Hosting;

namespace Plural.Gateway.Orleans;

/// <summary>
/// The cluster credentials new Orleans connections use, read again from their files when they change, so that
/// certificates rotate without a restart. Files that do not parse or do not chain to the CA are logged and ignored:
/// the previous credentials stay in use. Connections already open keep the certificate they were made with.
/// </summary>
internal sealed partial class ReloadingClusterCredentials
{
    private readonly ReloadingFile<ClusterCredentials> _files;

    public ReloadingClusterCredentials(ClusterCredentialFiles files, TimeSpan checkInterval, TimeProvider time, ILogger<ReloadingClusterCredentials> logger)
    {
        _files = new ReloadingFile<ClusterCredentials>([files.CertificateFile, files.KeyFile, files.CaFile],
            texts => files.Parse(new ClusterCredentialTexts(texts[0], texts[1], texts[2])), time,
            new ReloadingFileEvents<ClusterCredentials>
            {
                // The previous certificate is not disposed: a handshake that picked it may still be using it.
                Replaced = (previous, current) => LogRotated(logger, current.Certificate.Subject, current.Certificate.Thumbprint,
                    current.Certificate.NotAfter, previous.Certificate.Thumbprint),
                // A half-swapped set (new certificate, old key) lands here too; the next check sees the complete one.
                Rejected = (_, problem) => LogRejected(logger, problem.Message, _files!.Value.Certificate.Thumbprint),
                // Kubernetes swaps a secret's files in one rename, but a hand-edited file may be missing for a moment.
                Unreadable = (_, problem) => LogUnreadable(logger, problem.Message),
            },
            checkInterval);
        var loaded = _files.Value.Certificate;
        LogLoaded(logger, loaded.Subject, loaded.Thumbprint, loaded.NotAfter);
    }

    /// <summary>The credentials for a new connection, read again first when the check interval has passed and the files changed.</summary>
    public ClusterCredentials Current => _files.Value;

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information,
        Message = "Orleans TLS: using certificate {Subject} ({Thumbprint}, valid until {NotAfter:u})")]
    private static partial void LogLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information,
        Message = "Orleans TLS: the files changed; new connections use certificate {Subject} ({Thumbprint}, valid until {NotAfter:u}) instead of {Previous}")]
    private static partial void LogRotated(ILogger logger, string subject, string thumbprint, DateTime notAfter, string previous);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning,
        Message = "Orleans TLS: the changed files are not usable, keeping certificate {Current}: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem, string current);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning,
        Message = "Orleans TLS: the files could not be read, keeping the current certificate: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string problem);
}
