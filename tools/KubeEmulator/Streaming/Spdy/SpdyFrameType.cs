namespace Plural.KubeEmulator.Streaming.Spdy;

/// <summary>Control frame types of SPDY/3.1 and the flags the emulator reads or writes.</summary>
internal static class SpdyFrameType
{
    public const ushort Version = 3;

    public const ushort SynStream = 1;
    public const ushort SynReply = 2;
    public const ushort RstStream = 3;
    public const ushort Settings = 4;
    public const ushort Ping = 6;
    public const ushort GoAway = 7;
    public const ushort Headers = 8;
    public const ushort WindowUpdate = 9;

    /// <summary>FLAG_FIN on SYN_STREAM, SYN_REPLY, HEADERS and data frames: the sender's half of the stream ends.</summary>
    public const byte FlagFin = 0x01;

    /// <summary>FLAG_UNIDIRECTIONAL on SYN_STREAM: the recipient may not send on the stream.</summary>
    public const byte FlagUnidirectional = 0x02;

    /// <summary>RST_STREAM status codes.</summary>
    public const uint ProtocolError = 1;
    public const uint InvalidStream = 2;
    public const uint RefusedStream = 3;
    public const uint Cancel = 5;
    public const uint InternalError = 6;
    public const uint FrameTooLarge = 11;

    /// <summary>GOAWAY status codes.</summary>
    public const uint GoAwayOk = 0;
    public const uint GoAwayProtocolError = 1;
}
