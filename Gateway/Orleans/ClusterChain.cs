using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Gateway.Orleans;

/// <summary>
/// Whether a certificate chains to the cluster CA alone: the CA is the only trust root (custom root trust), so a
/// certificate any public or system-trusted CA issued is not a cluster member.
/// </summary>
internal static class ClusterChain
{
    /// <summary>Extended key usage a silo's certificate needs to accept connections.</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Extended key usage every cluster certificate needs to open connections.</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Null when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> and allows
    /// <paramref name="usage"/> (a certificate without extended key usages allows all); else what is wrong.
    /// </summary>
    public static string? Problem(X509Certificate2 certificate, X509Certificate2Collection authorities, Oid? usage,
        IEnumerable<X509Certificate2>? intermediates = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Cluster certificates are short-lived and rotated; there is no revocation list to ask.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (usage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
        }

        foreach (var intermediate in intermediates ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status == X509ChainStatusFlags.UntrustedRoot || s.Status == X509ChainStatusFlags.PartialChain
            ? "not issued by the cluster CA" : s.StatusInformation.Trim().TrimEnd('.')).Distinct();
        return string.Join("; ", statuses);
    }
}
