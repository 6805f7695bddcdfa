using CsCheck;
using Plural.AgentK.Tunnels;
using Plural.Protocol.Agent;
using Plural.Security.Tests.Infrastructure;

namespace Plural.Security.Tests.Tunnels;

/// <summary>
/// The agent's reader of gateway frames, fed any sequence a broken or hostile gateway could send after a
/// request head. Whatever arrives, the reader ends with a typed interruption, never hangs or throws, and
/// the upstream sees exactly the body bytes that came before a well-placed <c>end</c>.
/// </summary>
public sealed class AgentTunnelFrameReaderProperties
{
    private static readonly Gen<(List<TunnelDown> Frames, bool ExpectBody, bool FailAtEnd)> Scripts =
        Gen.Select(TunnelFrames.Down.List[0, 24], Gen.Bool, Gen.Bool);

    [Fact]
    public async Task Any_frame_sequence_from_the_gateway_ends_in_a_typed_interruption_and_never_hangs()
    {
        await Scripts.SampleAsync(async script =>
        {
            var expected = Model(script.Frames, script.ExpectBody);
            using var exchange = new CancellationTokenSource();
            var reader = new TunnelFrameReader(
                new TunnelDownStream(new ScriptedStreamReader<TunnelDown>(script.Frames, script.FailAtEnd), CancellationToken.None), exchange);
            // The upstream reads the body while the reader runs, as the forwarder's request content does.
            var upstream = ReadBodyAsync(reader);

            await reader.RunAsync(script.ExpectBody, reusable: false, CancellationToken.None).WaitAsync(Fuzz.CaseTimeout);
            var (body, failure) = await upstream.WaitAsync(Fuzz.CaseTimeout);

            Assert.Equal(expected.Interruption, reader.Interruption);
            Assert.True(exchange.IsCancellationRequested, "an interrupted exchange must cancel the upstream request");
            if (expected.BodyComplete)
            {
                Assert.Null(failure);
                Assert.Equal(expected.Body, body);
            }
            else
            {
                Assert.Equal(expected.Interruption, Assert.IsType<TunnelInterruptedException>(failure).Interruption);
            }
        }, iter: Fuzz.Iterations(2_000), threads: 1, print: Describe);
    }

    /// <summary>What the frame order rules say must happen (docs/protocol.md: body*, end; cancel at any point).</summary>
    private static (TunnelInterruption Interruption, bool BodyComplete, byte[] Body) Model(List<TunnelDown> frames, bool expectBody)
    {
        var ended = false;
        var interruption = TunnelInterruption.None;
        var body = new List<byte>();
        foreach (var frame in frames)
        {
            var outcome = frame.FrameCase switch
            {
                TunnelDown.FrameOneofCase.Body when !ended && expectBody => TunnelInterruption.None,
                TunnelDown.FrameOneofCase.End when !ended => TunnelInterruption.None,
                TunnelDown.FrameOneofCase.Cancel => TunnelInterruption.Cancelled,
                _ => TunnelInterruption.ProtocolViolation,
            };
            if (interruption == TunnelInterruption.None && outcome != TunnelInterruption.None)
            {
                interruption = outcome;
            }

            if (interruption == TunnelInterruption.None && frame.FrameCase == TunnelDown.FrameOneofCase.Body)
            {
                body.AddRange(frame.Body.Data.ToByteArray());
            }

            if (interruption == TunnelInterruption.None && frame.FrameCase == TunnelDown.FrameOneofCase.End)
            {
                ended = true;
            }
        }

        // The agent never finished answering here, so a stream that ends quietly is still the gateway going away.
        return (interruption == TunnelInterruption.None ? TunnelInterruption.GatewayGone : interruption, ended, body.ToArray());
    }

    private static async Task<(byte[] Body, Exception? Failure)> ReadBodyAsync(TunnelFrameReader reader)
    {
        var body = new List<byte>();
        try
        {
            await foreach (var chunk in reader.Body.ReadAllAsync())
            {
                body.AddRange(chunk.ToArray());
            }

            return (body.ToArray(), null);
        }
        catch (TunnelInterruptedException ex)
        {
            return (body.ToArray(), ex);
        }
    }

    private static string Describe((List<TunnelDown> Frames, bool ExpectBody, bool FailAtEnd) script) =>
        $"expectBody={script.ExpectBody} failAtEnd={script.FailAtEnd} frames=[{string.Join(", ", script.Frames.Select(f => f.FrameCase))}]";
}
