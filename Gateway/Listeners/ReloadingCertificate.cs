using System.Security.Cryptography.X509Certificates;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The listeners' certificate and key from their PEM files, read again when either changes (cert-manager renews
/// them in place), so that new connections get the renewed certificate without a restart while open ones keep
/// theirs. A pair that does not load (a key that does not match, half-written files) keeps the previous one.
/// </summary>
internal sealed partial class ReloadingCertificate
{
    private readonly ReloadingFile<X509Certificate2> _files;

    public ReloadingCertificate(string certificateFile, string keyFile, TimeProvider clock, ILogger logger) =>
        _files = new ReloadingFile<X509Certificate2>([certificateFile, keyFile], pems => X509Certificate2.CreateFromPem(pems[0], pems[1]),
            clock, new ReloadingFileEvents<X509Certificate2> { Rejected = (paths, ex) => LogRejected(logger, paths, ex.Message) });

    /// <summary>The certificate for a new connection.</summary>
    public X509Certificate2 Current => _files.Value;

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning,
        Message = "Listener certificate files {Paths} changed but do not load ({Problem}); new connections keep the certificate read before")]
    private static partial void LogRejected(ILogger logger, string paths, string problem);
}
