using CsCheck;
using Google.Protobuf;
using Plural.Protocol.Agent;

namespace Plural.Security.Tests.Tunnels;

/// <summary>Generators of tunnel frames in any order, including kinds that are never valid at that point.</summary>
internal static class TunnelFrames
{
    private static readonly Gen<ByteString> Bytes = Gen.Byte.Array[0, 96].Select(ByteString.CopyFrom);

    private static readonly Gen<string> CleanName = Gen.Frequency(
        (3, Gen.OneOf("Content-Type", "Cache-Control", "Audit-Id", "Warning", "X-Trace")),
        (1, Gen.String[Gen.Char.AlphaNumeric, 1, 12]));

    private static readonly Gen<string> CleanValue = Gen.String[Gen.Char[' ', '~'], 0, 24];

    /// <summary>Header names and values a well-behaved upstream sends.</summary>
    public static readonly Gen<HeaderField> CleanHeader =
        Gen.Select(CleanName, CleanValue, (name, value) => new HeaderField { Name = name, Values = { value } });

    /// <summary>Anything at all: control characters, CR LF, empty or odd names, framing headers with wrong values.</summary>
    public static readonly Gen<HeaderField> AnyHeader = Gen.Frequency(
        (4, CleanHeader),
        (1, Gen.Select(Gen.OneOf("Content-Length", "Transfer-Encoding", "Connection", "", " ", "a:b", "X\r\nInjected"),
            Gen.String[0, 24], (name, value) => new HeaderField { Name = name, Values = { value } })),
        (1, Gen.Select(CleanName, Gen.OneOf("a\r\nSet-Cookie: x=1", "\0", "\n", "é", "v\r"),
            (name, value) => new HeaderField { Name = name, Values = { value } })));

    private static readonly Gen<HeaderField> Header = AnyHeader;

    /// <summary>What a gateway could send an agent: mostly body and end, sometimes anything else.</summary>
    public static readonly Gen<TunnelDown> Down = Gen.Frequency(
        (6, Bytes.Select(data => new TunnelDown { Body = new BodyChunk { Data = data } })),
        (2, Gen.Const(() => new TunnelDown { End = new RequestEnd() })),
        (1, Gen.String[0, 16].Select(reason => new TunnelDown { Cancel = new Cancel { Reason = reason } })),
        (1, Gen.Const(() => new TunnelDown { RequestHead = new RequestHead { Method = "GET", Path = "/again" } })),
        (1, Gen.Const(() => new TunnelDown())));

    /// <summary>What an agent could answer a gateway with: heads of any status, bodies, ends, errors, nothing.</summary>
    public static readonly Gen<TunnelUp> Up = Gen.Frequency(
        (3, Gen.Select(Gen.Frequency((4, Gen.Int[200, 599].Where(s => s is not (204 or 205 or 304))), (1, Gen.Int)), Header.Array[0, 4],
            (status, headers) => new TunnelUp { ResponseHead = new ResponseHead { Status = status, Headers = { headers } } })),
        (6, Bytes.Select(data => new TunnelUp { Body = new BodyChunk { Data = data } })),
        (2, Header.Array[0, 2].Select(trailers => new TunnelUp { End = new ResponseEnd { Trailers = { trailers } } })),
        (1, Gen.Select(Gen.Enum<TunnelErrorCode>(), Gen.String[0, 24],
            (code, message) => new TunnelUp { Error = new TunnelError { Code = code, Message = message } })),
        (1, Gen.String[0, 8].Select(instance => new TunnelUp { Ready = new TunnelReady { InstanceId = instance } })),
        (1, Gen.Const(() => new TunnelUp())));
}
