using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Access;

/// <summary>
/// The operators' credentials for <c>ServerApi</c> and the admin routes. Each has a name, which is what logs and audit
/// records show of it, and is held as a hash only. Sources: <c>Gateway:AdminTokensFile</c> (named hashes, several at
/// once for a rotation with overlap) and, for a single credential named <c>admin</c>, <c>Gateway:AdminToken</c> or
/// <c>Gateway:AdminTokenFile</c>. Files are read again when they change, so adding or removing a credential needs no
/// restart.
/// </summary>
internal sealed partial class AdminCredentials
{
    /// <summary>The name of the credential given by <c>Gateway:AdminToken</c> or <c>Gateway:AdminTokenFile</c>.</summary>
    public const string SingleName = "admin";

    private readonly AdminTokenHashes _inline;
    private readonly ReloadingFile<AdminTokenHashes>? _plainFile;
    private readonly ReloadingFile<AdminTokenHashes>? _hashFile;

    /// <summary>Reads the configured sources now; a missing or malformed file fails the start.</summary>
    public AdminCredentials(IOptions<GatewayOptions> options, TimeProvider clock, ILogger<AdminCredentials> logger)
    {
        var value = options.Value;
        void Rejected(string path, Exception ex) => LogFileRejected(logger, path, ex.Message);
        _inline = string.IsNullOrWhiteSpace(value.AdminToken) ? AdminTokenHashes.None : AdminTokenHashes.Single(SingleName, value.AdminToken);
        if (string.IsNullOrWhiteSpace(value.AdminToken) && !string.IsNullOrWhiteSpace(value.AdminTokenFile))
        {
            _plainFile = new(value.AdminTokenFile, content => AdminTokenHashes.Single(SingleName, content), clock, Rejected);
        }

        if (!string.IsNullOrWhiteSpace(value.AdminTokensFile))
        {
            _hashFile = new(value.AdminTokensFile, AdminTokenHashes.Parse, clock, Rejected);
        }
    }

    /// <summary>The name of the credential an <c>Authorization</c> header carries, or null when it carries none.</summary>
    public string? NameOf(string? authorization)
    {
        var token = CallerAuthenticator.BearerOf(authorization);
        if (token.Length == 0)
        {
            return null;
        }

        var presented = AdminTokenHashes.Hash(token);
        string? found = null;
        // Every entry is compared, so that how long a check takes does not tell which entry (if any) matched.
        foreach (var source in new[] { _inline, _plainFile?.Value, _hashFile?.Value })
        {
            foreach (var (name, hash) in source?.Entries ?? [])
            {
                if (CryptographicOperations.FixedTimeEquals(presented, hash))
                {
                    found ??= name;
                }
            }
        }

        return found;
    }

    /// <summary>True when the <c>Authorization</c> header carries an admin credential.</summary>
    public bool Accepts(string? authorization) => NameOf(authorization) is not null;

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "Admin credentials file {Path} was changed but not taken ({Problem}); the credentials read before stay in force")]
    private static partial void LogFileRejected(ILogger logger, string path, string problem);
}
