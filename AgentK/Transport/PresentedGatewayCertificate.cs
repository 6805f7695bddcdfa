using System.Security.Cryptography.X509Certificates;

namespace Plural.AgentK.Transport;

/// <summary>
/// The certificate the gateway presented on the agent's last accepted TLS handshake, so that its expiry can be
/// reported before the agent can no longer connect. Nothing is known before a handshake, nor for an <c>http://</c> gateway.
/// </summary>
internal sealed class PresentedGatewayCertificate
{
    private Presented? _last;

    /// <summary>The last accepted certificate's subject and end of validity; null before any TLS handshake.</summary>
    public Presented? Last => Volatile.Read(ref _last);

    /// <summary>Remembers <paramref name="certificate"/>, which the handshake accepted.</summary>
    public void Record(X509Certificate? certificate)
    {
        if (certificate is X509Certificate2 leaf)
        {
            Volatile.Write(ref _last, new Presented(leaf.Subject, new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero)));
        }
    }

    /// <summary>A certificate's subject and the moment it stops being valid.</summary>
    internal sealed record Presented(string Subject, DateTimeOffset NotAfter);
}
