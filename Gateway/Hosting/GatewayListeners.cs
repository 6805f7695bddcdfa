using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Plural.Gateway.Hosting;

/// <summary>
/// The Kestrel listeners of the gateway, by kind. A configured port of 0 is resolved to a free port
/// before Kestrel binds, so that every listener's real address is known up front (and printed).
/// </summary>
public sealed class GatewayListeners
{
    private readonly List<(ListenerKind Kind, IPEndPoint EndPoint)> _listeners = [];

    internal void Configure(KestrelServerOptions kestrel, GatewayOptions options)
    {
        Add(kestrel, ListenerKind.Agent, options.AgentListenUrl, HttpProtocols.Http2);
        Add(kestrel, ListenerKind.Api, options.ApiListenUrl, HttpProtocols.Http2);
        Add(kestrel, ListenerKind.Http, options.HttpListenUrl, HttpProtocols.Http1AndHttp2);
    }

    /// <summary>The listener that owns a local port, or null for ports the gateway does not own.</summary>
    public ListenerKind? KindOf(int localPort)
    {
        foreach (var (kind, endPoint) in _listeners)
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
        var endPoint = _listeners.First(l => l.Kind == kind).EndPoint;
        var host = endPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]"
            : endPoint.Address.ToString();
        return new Uri($"http://{host}:{endPoint.Port}");
    }

    private void Add(KestrelServerOptions kestrel, ListenerKind kind, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"Listener {kind}: only http:// URLs are supported, got '{url}'.");
        }

        var address = uri.Host is "*" or "+" or "0.0.0.0" ? IPAddress.Any
            : uri.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.Parse(uri.Host.Trim('[', ']'));
        var endPoint = new IPEndPoint(address, uri.Port == 0 ? FreePort(address) : uri.Port);
        _listeners.Add((kind, endPoint));
        kestrel.Listen(endPoint, listen => listen.Protocols = protocols);
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
