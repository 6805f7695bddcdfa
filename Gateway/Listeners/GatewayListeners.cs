using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The Kestrel listeners of the gateway, by kind. A configured port of 0 is resolved to a free port
/// before Kestrel binds, so that every listener's real address is known up front (and printed). TLS listeners
/// serve the certificate files as they are now (<see cref="ReloadingCertificate"/>).
/// </summary>
public sealed class GatewayListeners(TimeProvider clock, ILogger<GatewayListeners> logger)
{
    private readonly List<(ListenerKind Kind, IPEndPoint EndPoint, string Scheme)> _listeners = [];
    private ReloadingCertificate? _certificate;

    internal void Configure(KestrelServerOptions kestrel, GatewayOptions options)
    {
        Add(kestrel, options, ListenerKind.Agent, options.AgentListenUrl, HttpProtocols.Http2);
        Add(kestrel, options, ListenerKind.Api, options.ApiListenUrl, HttpProtocols.Http2);
        Add(kestrel, options, ListenerKind.Http, options.HttpListenUrl, HttpProtocols.Http1AndHttp2);
        if (!string.IsNullOrWhiteSpace(options.OperationsListenUrl))
        {
            Add(kestrel, options, ListenerKind.Operations, options.OperationsListenUrl, HttpProtocols.Http1AndHttp2);
        }
    }

    /// <summary>The listener that serves probes, metrics and admin calls: its own when configured, else the HTTP one.</summary>
    internal static ListenerKind OperationsKind(GatewayOptions options) =>
        string.IsNullOrWhiteSpace(options.OperationsListenUrl) ? ListenerKind.Http : ListenerKind.Operations;

    /// <summary>True when the gateway has a listener of <paramref name="kind"/>.</summary>
    public bool Has(ListenerKind kind) => _listeners.Exists(l => l.Kind == kind);

    /// <summary>The listener that owns a local port, or null for ports the gateway does not own.</summary>
    public ListenerKind? KindOf(int localPort)
    {
        foreach (var (kind, endPoint, _) in _listeners)
        {
            if (endPoint.Port == localPort)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The URL a listener is reachable at from this machine.</summary>
    public Uri UrlOf(ListenerKind kind)
    {
        var (_, endPoint, scheme) = _listeners.First(l => l.Kind == kind);
        var host = endPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]"
            : endPoint.Address.ToString();
        return new Uri($"{scheme}://{host}:{endPoint.Port}");
    }

    private void Add(KestrelServerOptions kestrel, GatewayOptions options, ListenerKind kind, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url);
        var tls = uri.Scheme == Uri.UriSchemeHttps;
        if (!tls && uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"Listener {kind}: only http:// and https:// URLs are supported, got '{url}'.");
        }

        if (tls && (string.IsNullOrEmpty(options.TlsCertificateFile) || string.IsNullOrEmpty(options.TlsKeyFile)))
        {
            throw new InvalidOperationException($"Listener {kind} is https:// but Gateway:TlsCertificateFile and Gateway:TlsKeyFile are not both set.");
        }

        var address = uri.Host is "*" or "+" or "0.0.0.0" ? IPAddress.Any
            : uri.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.Parse(uri.Host.Trim('[', ']'));
        var endPoint = new IPEndPoint(address, uri.Port == 0 ? FreePort(address) : uri.Port);
        _listeners.Add((kind, endPoint, uri.Scheme));
        kestrel.Listen(endPoint, listen =>
        {
            listen.Protocols = protocols;
            if (tls)
            {
                // Chosen per connection, so that a renewed certificate is served without a restart.
                var certificate = _certificate ??= new ReloadingCertificate(options.TlsCertificateFile!, options.TlsKeyFile!, clock, logger);
                listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
            }
        });
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
