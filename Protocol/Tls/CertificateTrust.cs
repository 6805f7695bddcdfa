using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Protocol.Tls;

/// <summary>
/// Server certificate validation with an optional pinned certificate authority bundle and an optional expected
/// name, for gateways and API servers that use their own CA. A given bundle replaces the system's trust store, as
/// kubectl's <c>certificate-authority</c> does: a certificate from any other CA is refused, publicly trusted or not.
/// </summary>
public static class CertificateTrust
{
    /// <summary>Returns null when the platform's default validation is what was asked for.</summary>
    public static RemoteCertificateValidationCallback? CreateValidator(string? caFile, string? serverName, bool skipVerify = false)
    {
        if (skipVerify)
        {
            return static (_, _, _, _) => true;
        }

        if (string.IsNullOrEmpty(caFile) && string.IsNullOrEmpty(serverName))
        {
            return null;
        }

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrEmpty(caFile))
        {
            authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
        }

        return (_, certificate, chain, errors) => Validate(certificate, chain, errors, authorities, serverName);
    }

    private static bool Validate(
        X509Certificate? certificate,
        X509Chain? platformChain,
        SslPolicyErrors errors,
        X509Certificate2Collection? authorities,
        string? serverName)
    {
        if (certificate is not X509Certificate2 leaf || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        // The name is checked here rather than through SNI so that an override works behind any proxy.
        var nameOk = string.IsNullOrEmpty(serverName)
            ? !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            : leaf.MatchesHostname(serverName);
        if (!nameOk)
        {
            return false;
        }

        if (authorities is null)
        {
            return !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (platformChain is not null)
        {
            foreach (var element in platformChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
