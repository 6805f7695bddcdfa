using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// The tunnel's <c>Connect</c> method as gateway and agent bind it: body frames are read into pooled memory, every
/// frame means on the wire exactly what the generated method makes of it, and a frame handed back to the pool can
/// no longer be read.
/// </summary>
public sealed class PooledBodyFrameTests
{
    private static readonly byte[] Body = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void A_body_frame_arrives_whole_in_pooled_memory_and_cannot_be_read_once_returned()
    {
        var frame = Receive(new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFrom(Body) } });

        Assert.Equal(TunnelUp.FrameOneofCase.Body, frame.FrameCase);
        Assert.Equal(Body, frame.Body.Data.ToByteArray());
        var bytes = frame.Body.Data.Memory;
        ReceivedBody.Return(frame.Body.Data);
        ReceivedBody.Return(frame.Body.Data); // a second return is harmless
        Assert.Throws<ObjectDisposedException>(() => bytes.Span[0]);
    }

    [Fact]
    public void Frames_from_the_gateway_are_read_the_same_way()
    {
        var frame = ReceiveDown(new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFrom(Body, 0, 3) } });

        Assert.Equal(new byte[] { 0, 7, 14 }, frame.Body.Data.ToByteArray());
        var bytes = frame.Body.Data.Memory;
        ReceivedBody.Return(bytes);
        Assert.Throws<ObjectDisposedException>(() => bytes.Span[0]);
    }

    [Fact]
    public void Every_other_frame_reads_as_the_generated_method_reads_it()
    {
        var head = new TunnelUp
        {
            ResponseHead = new ResponseHead { Status = 200, Complete = true, Body = ByteString.CopyFromUtf8("small"), Headers = { new HeaderField { Name = "a", Values = { "b" } } } },
        };
        var end = new TunnelUp { End = new ResponseEnd { StreamReusable = true } };
        var empty = new TunnelUp { Body = new BodyChunk() };
        var cancel = new TunnelDown { Cancel = new Cancel { Reason = "caller went away" } };

        Assert.Equal(head, Receive(head));
        Assert.Equal(end, Receive(end));
        Assert.Equal(empty, Receive(empty));
        Assert.Equal(cancel, ReceiveDown(cancel));
        // Memory an inline body lives in is not the pool's: handing it back leaves it readable.
        var inline = Receive(head).ResponseHead.Body;
        ReceivedBody.Return(inline);
        Assert.Equal("small", inline.ToStringUtf8());
    }

    [Fact]
    public void A_body_frame_with_more_than_its_bytes_is_parsed_in_full()
    {
        // A later sender may add fields to a chunk; the shortcut must not drop them or misread the frame.
        var wire = new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFrom(Body, 0, 10) } }.ToByteArray().ToList();
        wire.AddRange([0x10, 0x01]); // field 2 as a varint, which no frame field is: kept as an unknown field
        var generated = TunnelUp.Parser.ParseFrom(wire.ToArray());

        var pooled = Deserialize(wire.ToArray());

        Assert.Equal(generated, pooled);
    }

    [Theory]
    [InlineData(new byte[] { 0x1A })] // a body tag and nothing else
    [InlineData(new byte[] { 0x1A, 0x05, 0x0A, 0x03, 0x01 })] // lengths longer than what follows
    [InlineData(new byte[] { 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })] // a length beyond any frame
    public void A_malformed_body_frame_fails_as_the_generated_method_fails(byte[] wire)
    {
        Assert.Throws<InvalidProtocolBufferException>(() => TunnelUp.Parser.ParseFrom(wire));
        Assert.Throws<InvalidProtocolBufferException>(() => Deserialize(wire));
    }

    [Fact]
    public void What_the_pooled_method_sends_reads_back_with_the_generated_parser()
    {
        var frame = new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFrom(Body) } };

        var sent = new SentPayload();
        AgentGateway.ConnectWithPooledBodies.ResponseMarshaller.ContextualSerializer(frame, sent);
        var wire = sent.Written.WrittenSpan.ToArray();

        Assert.Equal(frame, TunnelDown.Parser.ParseFrom(wire));
    }

    private static TunnelUp Receive(TunnelUp frame) => Deserialize(frame.ToByteArray());

    private static TunnelUp Deserialize(byte[] wire) =>
        AgentGateway.ConnectWithPooledBodies.RequestMarshaller.ContextualDeserializer(new ReceivedPayload(wire));

    private static TunnelDown ReceiveDown(TunnelDown frame) =>
        AgentGateway.ConnectWithPooledBodies.ResponseMarshaller.ContextualDeserializer(new ReceivedPayload(frame.ToByteArray()));

    /// <summary>A received message as a server's pipe hands it over: in several segments, here split in three.</summary>
    private sealed class ReceivedPayload(byte[] wire) : DeserializationContext
    {
        public override int PayloadLength => wire.Length;

        public override byte[] PayloadAsNewBuffer() => wire.ToArray();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence()
        {
            var third = wire.Length / 3;
            var first = new Segment(wire.AsMemory(0, third), 0);
            var last = first.Append(wire.AsMemory(third, third)).Append(wire.AsMemory(2 * third));
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private sealed class SentPayload : SerializationContext
    {
        public ArrayBufferWriter<byte> Written { get; } = new();

        public override void SetPayloadLength(int payloadLength)
        {
        }

        public override IBufferWriter<byte> GetBufferWriter() => Written;

        public override void Complete()
        {
        }
    }
}
