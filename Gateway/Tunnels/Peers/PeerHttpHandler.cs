using Plural.Protocol.Tls;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Tunnels.Peers;

/// <summary>The connection handler for the private hop: other gateways' certificates checked against the pinned CA, if any.</summary>
internal static class PeerHttpHandler
{
    public static SocketsHttpHandler Create(PeerOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Responses may be watches or log streams that stay open for hours.
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
            // A peer that died without closing its sockets must not hold a request: a refused or timed-out connect
            // sends it along another route.
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        if (CertificateTrust.CreateValidator(options.CaFile, options.ServerName) is { } validator)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator;
        }

        return handler;
    }
}
