using System.Buffers;
using System.Text.Json;

namespace Plural.Gateway.Cable;

/// <summary>The server-to-client messages of the ActionCable protocol (<c>actioncable-v1-json</c>).</summary>
internal static class CableFrames
{
    public static readonly byte[] Welcome = """{"type":"welcome"}"""u8.ToArray();

    public static byte[] Ping(DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "ping");
        w.WriteNumber("message", now.ToUnixTimeSeconds());
    });

    public static byte[] Confirm(string identifier) => Write(w =>
    {
        w.WriteString("identifier", identifier);
        w.WriteString("type", "confirm_subscription");
    });

    /// <summary>The stock client ignores <c>reason</c>; other clients and people reading traffic get it.</summary>
    public static byte[] Reject(string identifier, string reason) => Write(w =>
    {
        w.WriteString("identifier", identifier);
        w.WriteString("type", "reject_subscription");
        w.WriteString("reason", reason);
    });

    public static byte[] Disconnect(string reason, bool reconnect) => Write(w =>
    {
        w.WriteString("type", "disconnect");
        w.WriteString("reason", reason);
        w.WriteBoolean("reconnect", reconnect);
    });

    /// <summary>
    /// Tells a subscription its <c>since</c> could not be honoured, or that its feed lost messages: the client drops
    /// what it had and starts again from the snapshot that follows, numbered from <paramref name="seq"/>.
    /// </summary>
    public static byte[] Reset(string reason, long seq, string epoch) => Write(w =>
    {
        w.WriteString("type", "reset");
        w.WriteString("reason", reason);
        w.WriteNumber("seq", seq);
        w.WriteString("epoch", epoch);
    });

    /// <summary>The part of a subscription's messages that precedes the payload.</summary>
    public static byte[] MessagePrefix(string identifier)
    {
        var buffer = new ArrayBufferWriter<byte>(identifier.Length + 40);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("identifier", identifier);
            w.WriteEndObject();
        }

        // {"identifier":"..."} becomes {"identifier":"...","message": and the payload follows.
        var written = buffer.WrittenSpan;
        return [.. written[..^1], .. ""","message":"""u8];
    }

    /// <summary>A payload as a complete message of one subscription (for messages not shared with others).</summary>
    public static CableFrame Message(byte[] prefix, byte[] payload) => new(prefix, payload);

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
