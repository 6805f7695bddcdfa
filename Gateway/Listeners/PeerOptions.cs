using System.Text;

namespace Plural.Gateway.Listeners;

/// <summary>How gateways authenticate to each other on the private hop. Bound from <c>Gateway:Peer</c>.</summary>
internal sealed class PeerOptions
{
    /// <summary>Shortest peer secret accepted, in bytes (the HMAC-SHA256 key size).</summary>
    public const int MinSecretBytes = 32;

    /// <summary>The secret every gateway of a deployment shares to sign peer tokens; prefer <see cref="SecretFile"/>.</summary>
    public string? Secret { get; set; }

    /// <summary>File holding the peer secret (read at start); used when <see cref="Secret"/> is empty.</summary>
    public string? SecretFile { get; set; }

    /// <summary>How long a peer token is valid after it is issued.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock difference between gateways tolerated on either end of a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>PEM bundle of the certificate authorities trusted (pinned) for other gateways' HTTPS listeners. Default: the system's.</summary>
    public string? CaFile { get; set; }

    /// <summary>Name other gateways' certificates must carry when it differs from the host of their private address (a pod IP).</summary>
    public string? ServerName { get; set; }

    /// <summary>Reads the configured secret; null when none is configured.</summary>
    internal byte[]? ReadSecret()
    {
        var secret = !string.IsNullOrWhiteSpace(Secret) ? Secret
            : !string.IsNullOrWhiteSpace(SecretFile) ? File.ReadAllText(SecretFile).Trim()
            : null;
        return secret is null ? null : Encoding.UTF8.GetBytes(secret);
    }
}
