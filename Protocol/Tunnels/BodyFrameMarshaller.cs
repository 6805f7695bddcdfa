using System.Buffers;
using Google.Protobuf;
using Grpc.Core;

namespace Plural.Protocol.Tunnels;

/// <summary>
/// Serialises tunnel frames as the generated code does, and reads a frame that is a body chunk and nothing else (by
/// far the most frequent frame of a streamed body) into pooled memory (<see cref="ReceivedBody"/>) instead of a new
/// array. Every other frame, and a body frame encoded in any other way, is parsed by protobuf as before, so the wire
/// format is exactly the generated one and either side may use either marshaller.
/// </summary>
internal static class BodyFrameMarshaller
{
    // Length-delimited fields: the frame's body field, and BodyChunk.data (field 1).
    private const int LengthDelimited = 2;
    private const uint DataTag = (1 << 3) | LengthDelimited;

    public static Marshaller<T> Create<T>(MessageParser<T> parser, int bodyField, Func<ByteString, T> bodyFrame)
        where T : IMessage<T>, IBufferMessage
    {
        var bodyTag = (uint)(bodyField << 3) | LengthDelimited;
        return Marshallers.Create<T>(Serialize, context => Deserialize(context.PayloadAsReadOnlySequence(), parser, bodyTag, bodyFrame));
    }

    private static void Serialize<T>(T message, SerializationContext context)
        where T : IMessage<T>, IBufferMessage
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    /// <summary>The frame in <paramref name="payload"/>, its body bytes in pooled memory when it is a body frame alone.</summary>
    internal static T Deserialize<T>(ReadOnlySequence<byte> payload, MessageParser<T> parser, uint bodyTag, Func<ByteString, T> bodyFrame)
        where T : IMessage<T>, IBufferMessage =>
        TryReadBodyData(payload, bodyTag, out var data) ? bodyFrame(ReceivedBody.CopyOf(data)) : parser.ParseFrom(payload);

    // frame := bodyTag len(chunk) chunk; chunk := DataTag len(data) data, with both lengths spanning the rest exactly.
    private static bool TryReadBodyData(ReadOnlySequence<byte> payload, uint bodyTag, out ReadOnlySequence<byte> data)
    {
        data = default;
        var reader = new SequenceReader<byte>(payload);
        if (!TryReadVarint(ref reader, out var tag) || tag != bodyTag
            || !TryReadVarint(ref reader, out var chunkLength) || chunkLength != reader.Remaining
            || !TryReadVarint(ref reader, out tag) || tag != DataTag
            || !TryReadVarint(ref reader, out var dataLength) || dataLength != reader.Remaining || dataLength == 0)
        {
            return false;
        }

        data = reader.UnreadSequence;
        return true;
    }

    private static bool TryReadVarint(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 32; shift += 7)
        {
            if (!reader.TryRead(out var next))
            {
                return false;
            }

            value |= (uint)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
