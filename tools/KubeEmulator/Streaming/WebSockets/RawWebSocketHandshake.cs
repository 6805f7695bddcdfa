using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Streaming.WebSockets;

/// <summary>
/// The RFC 6455 server handshake done by hand. ASP.NET Core refuses to answer with a subprotocol that is
/// not an HTTP token, and kubectl's tunnelled port-forward protocol <c>SPDY/3.1+portforward.k8s.io</c>
/// contains a slash; gorilla/websocket on the client side accepts it, so the server must too.
/// </summary>
internal static class RawWebSocketHandshake
{
    private const string Magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task<WebSocket> AcceptAsync(HttpContext http, string subprotocol, TimeSpan keepAlive)
    {
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true }) throw Errors.BadRequest("Upgrade request required");
        if (http.Request.Headers.SecWebSocketVersion.ToString() != "13") throw Errors.BadRequest("unable to upgrade: unsupported Sec-WebSocket-Version; 13 is required");
        var key = http.Request.Headers.SecWebSocketKey.ToString();
        Span<byte> decoded = stackalloc byte[24];
        if (!Convert.TryFromBase64String(key, decoded, out var length) || length != 16) throw Errors.BadRequest("unable to upgrade: invalid Sec-WebSocket-Key");

        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = "websocket";
        http.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Magic)));
        http.Response.Headers.SecWebSocketProtocol = subprotocol;
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = keepAlive,
            KeepAliveTimeout = keepAlive * 3,
        });
    }
}
