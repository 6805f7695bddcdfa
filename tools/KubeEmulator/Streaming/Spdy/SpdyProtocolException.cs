namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>A peer broke the SPDY/3.1 framing rules; the session ends with a GOAWAY carrying PROTOCOL_ERROR.</summary>
internal sealed class SpdyProtocolException(string message) : Exception(message);
