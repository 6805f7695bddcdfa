using System.Net.Http;
using System.Net.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Plural.Protocol.Tls;

namespace Plural.AgentK.Transport;

/// <summary>
/// Creates the single HTTP/2 connection to the gateway. Each call returns a new channel with a
/// new handler, so that a reconnect lets the load balancer pick another gateway.
/// </summary>
internal sealed class GatewayChannelFactory(IOptions<GatewayOptions> options, PresentedGatewayCertificate presented)
{
    public GrpcChannel Create()
    {
        var agent = options.Value;
        var handler = new SocketsHttpHandler
        {
            // All streams share one connection: the gateway sees one agent connection, and a
            // reconnect moves the whole agent at once.
            EnableMultipleHttp2Connections = false,
            KeepAlivePingDelay = agent.KeepAlivePingInterval,
            KeepAlivePingTimeout = agent.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            InitialHttp2StreamWindowSize = agent.Http2StreamWindowBytes,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
        };

        // Proxying is done here rather than by the handler's own proxy support, which does not tunnel
        // HTTP/2 in clear text (http:// gateways) through CONNECT.
        if (GatewayProxy.Resolve(agent.GatewayUrl, agent.Proxy, Environment.GetEnvironmentVariable) is { } proxy)
        {
            handler.ConnectCallback = (context, ct) => ProxyTunnel.ConnectAsync(proxy, context.DnsEndPoint, ct);
        }

        // The accepted certificate is kept for the certificate-expiry condition; the decision is the validator's (or, with
        // neither a CA file nor a server name, the platform's own chain and name checks).
        var validator = CertificateTrust.CreateValidator(agent.GatewayCaFile, agent.GatewayServerName);
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            var accepted = validator?.Invoke(sender, certificate, chain, errors) ?? errors == SslPolicyErrors.None;
            if (accepted)
            {
                presented.Record(certificate);
            }

            return accepted;
        };

        return GrpcChannel.ForAddress(agent.GatewayUrl, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // No logger factory: the client logs every failed call, while the agent reports failures
            // once per change of state itself.
        });
    }
}
