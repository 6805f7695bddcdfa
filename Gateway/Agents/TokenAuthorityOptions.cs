using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Agents;

/// <summary>
/// The main application as the authority for agent tokens this gateway does not know (optional). Section
/// <c>Gateway:TokenAuthority</c>; off while <see cref="Url"/> is empty.
/// </summary>
internal sealed class TokenAuthorityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:TokenAuthority";

    /// <summary>
    /// The main application's endpoint the gateway POSTs <c>{"token_sha256": "..."}</c> to; empty turns the mode off.
    /// Must be <c>https://</c>, or <c>http://</c> to a loopback address.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>A file holding the credential the gateway presents as <c>Authorization: Bearer</c>; empty sends none.</summary>
    public string CredentialFile { get; set; } = "";

    /// <summary>How long one check may take before the agent is told to retry.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks in flight at once; more unknown tokens than this are told to retry instead of queueing.</summary>
    [Range(1, 10_000)] public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>True when a URL is configured.</summary>
    public bool Enabled => Url.Length > 0;

    /// <summary>Why the options cannot work, or null.</summary>
    public string? Problem()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromSeconds(30))
        {
            return "Gateway:TokenAuthority:Timeout must be positive and at most 30 seconds";
        }

        if (!Enabled)
        {
            return null;
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            return "Gateway:TokenAuthority:Url must be an https:// URL (http:// only to a loopback address)";
        }

        return CredentialFile.Length > 0 && !File.Exists(CredentialFile)
            ? $"Gateway:TokenAuthority:CredentialFile {CredentialFile} does not exist"
            : null;
    }
}
