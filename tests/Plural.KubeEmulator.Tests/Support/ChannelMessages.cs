using System.Net.WebSockets;
using System.Text;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>Speaks the Kubernetes channel protocol on a WebSocket: one channel byte, then the payload.</summary>
public static class ChannelMessages
{
    public static Task SendAsync(WebSocket socket, byte channel, string text, CancellationToken ct) =>
        socket.SendAsync((byte[])[channel, .. Encoding.UTF8.GetBytes(text)], WebSocketMessageType.Binary, true, ct);

    /// <summary>The next whole message as (channel, text), or null once the server closed.</summary>
    public static async Task<(byte Channel, string Text)?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var bytes = message.ToArray();
            return bytes.Length == 0 ? (byte.MaxValue, "") : (bytes[0], Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1));
        }
    }

    /// <summary>Everything received per channel until the server closes the socket.</summary>
    public static async Task<Dictionary<byte, string>> ReceiveAllAsync(WebSocket socket, CancellationToken ct)
    {
        var channels = new Dictionary<byte, string>();
        while (await ReceiveAsync(socket, ct) is { } message)
        {
            channels[message.Channel] = channels.GetValueOrDefault(message.Channel, "") + message.Text;
        }
        return channels;
    }

    /// <summary>Reads until the text seen on <paramref name="channel"/> contains <paramref name="expected"/>; returns all of it.</summary>
    public static async Task<string> ReceiveUntilAsync(WebSocket socket, byte channel, string expected, CancellationToken ct)
    {
        var seen = new StringBuilder();
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var message = await ReceiveAsync(socket, ct) ?? throw new Xunit.Sdk.XunitException($"closed before \"{expected}\"; saw \"{seen}\"");
            if (message.Channel == channel) seen.Append(message.Text);
        }
        return seen.ToString();
    }
}
