namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>What a session does with the streams a client opens on its SPDY connection.</summary>
internal interface ISpdyStreamAcceptor
{
    /// <summary>Checks a new stream's headers; a non-null reason refuses it with RST_STREAM.</summary>
    string? Validate(IReadOnlyDictionary<string, string> headers);

    /// <summary>Receives a stream once its SYN_REPLY is on the wire.</summary>
    void Accepted(SpdyStream stream);
}
