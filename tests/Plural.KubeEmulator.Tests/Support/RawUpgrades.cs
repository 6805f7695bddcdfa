using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>WebSocket and SPDY upgrade handshakes written by hand over <see cref="RawTls"/>.</summary>
public static class RawUpgrades
{
    /// <summary>Performs the RFC 6455 handshake; the WebSocket is null (with the status) when the server refuses.</summary>
    public static async Task<(RawTls Connection, int Status, Dictionary<string, string> Headers, WebSocket? Socket)> WebSocketAsync(
        TestCluster cluster, string target, string protocol, CancellationToken ct, string? token = null)
    {
        var connection = await RawTls.ConnectAsync(cluster, ct);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await connection.SendHeadAsync("GET", target,
        [
            ("Authorization", "Bearer " + (token ?? cluster.Server.AdminToken)),
            ("Connection", "Upgrade"),
            ("Upgrade", "websocket"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Protocol", protocol),
        ], ct);
        var (status, headers) = await connection.ReadHeadAsync(ct);
        if (status != 101) return (connection, status, headers, null);
        var expectedAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Assert.Equal(expectedAccept, headers["sec-websocket-accept"]);
        var socket = WebSocket.CreateFromStream(connection.Stream, new WebSocketCreationOptions { IsServer = false, SubProtocol = headers.GetValueOrDefault("sec-websocket-protocol") });
        return (connection, status, headers, socket);
    }

    /// <summary>Sends the SPDY/3.1 upgrade kubectl sends (a POST), offering <paramref name="protocols"/>.</summary>
    public static async Task<(RawTls Connection, int Status, Dictionary<string, string> Headers)> SpdyAsync(
        TestCluster cluster, string target, CancellationToken ct, params string[] protocols)
    {
        var connection = await RawTls.ConnectAsync(cluster, ct);
        var headers = new List<(string, string)>
        {
            ("Authorization", "Bearer " + cluster.Server.AdminToken),
            ("Connection", "Upgrade"),
            ("Upgrade", "SPDY/3.1"),
            ("Content-Length", "0"),
        };
        headers.AddRange(protocols.Select(p => ("X-Stream-Protocol-Version", p)));
        await connection.SendHeadAsync("POST", target, headers, ct);
        var (status, responseHeaders) = await connection.ReadHeadAsync(ct);
        return (connection, status, responseHeaders);
    }
}
