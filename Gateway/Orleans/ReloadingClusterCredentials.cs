namespace Plural.Gateway.Orleans;

/// <summary>
/// The cluster credentials new Orleans connections use, read again from their files when they change, so that
/// certificates rotate without a restart. Files that do not parse or do not chain to the CA are logged and ignored:
/// the previous credentials stay in use. Connections already open keep the certificate they were made with.
/// </summary>
internal sealed partial class ReloadingClusterCredentials
{
    private readonly ClusterCredentialFiles _files;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile ClusterCredentials _current;
    private string _digest;
    private long _nextCheck;

    public ReloadingClusterCredentials(ClusterCredentialFiles files, TimeSpan checkInterval, TimeProvider time, ILogger<ReloadingClusterCredentials> logger)
    {
        _files = files;
        _checkInterval = checkInterval;
        _time = time;
        _logger = logger;
        var texts = files.Read();
        _current = files.Parse(texts);
        _digest = texts.Digest();
        _nextCheck = _time.GetTimestamp() + Ticks(checkInterval);
        LogLoaded(_logger, _current.Certificate.Subject, _current.Certificate.Thumbprint, _current.Certificate.NotAfter);
    }

    /// <summary>The credentials for a new connection, read again first when the check interval has passed and the files changed.</summary>
    public ClusterCredentials Current
    {
        get
        {
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextCheck))
            {
                ReloadIfChanged();
            }

            return _current;
        }
    }

    private void ReloadIfChanged()
    {
        // One reader at a time; the others use the current credentials meanwhile rather than wait on file reads.
        if (!_gate.TryEnter())
        {
            return;
        }

        try
        {
            if (_time.GetTimestamp() < _nextCheck)
            {
                return;
            }

            Volatile.Write(ref _nextCheck, _time.GetTimestamp() + Ticks(_checkInterval));
            ClusterCredentialTexts texts;
            try
            {
                texts = _files.Read();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Kubernetes swaps a secret's files in one rename, but a hand-edited file may be missing for a moment.
                LogUnreadable(_logger, ex.Message);
                return;
            }

            var digest = texts.Digest();
            if (digest == _digest)
            {
                return;
            }

            // Remember bad files too, so that they are reported once and not at every connection.
            _digest = digest;
            try
            {
                var previous = _current;
                _current = _files.Parse(texts);
                // The previous certificate is not disposed: a handshake that picked it may still be using it.
                LogRotated(_logger, _current.Certificate.Subject, _current.Certificate.Thumbprint, _current.Certificate.NotAfter, previous.Certificate.Thumbprint);
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                // A half-swapped set (new certificate, old key) lands here too; the next check sees the complete one.
                LogRejected(_logger, ex.Message, _current.Certificate.Thumbprint);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private long Ticks(TimeSpan interval) => (long)(interval.TotalSeconds * _time.TimestampFrequency);

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
