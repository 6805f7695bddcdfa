using System.Text;
using System.Text.Json;
using Plural.Gateway.Cable;

namespace Plural.Gateway.Tests.Cable;

/// <summary>The server-to-client messages of <c>actioncable-v1-json</c>, as a stock client parses them.</summary>
public sealed class CableFramesTests
{
    private const string Identifier = """{"channel":"AgentStatusChannel","agent":"prod","note":"a \"quoted\" \\ value"}""";

    [Fact]
    public void Welcome_and_ping_carry_their_type_and_the_time_in_unix_seconds()
    {
        Assert.Equal("welcome", Parse(CableFrames.Welcome).GetProperty("type").GetString());

        var ping = Parse(CableFrames.Ping(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal("ping", ping.GetProperty("type").GetString());
        Assert.Equal(1767225600, ping.GetProperty("message").GetInt64());
    }

    [Fact]
    public void Confirm_and_reject_echo_the_identifier_exactly_as_the_client_sent_it()
    {
        var confirm = Parse(CableFrames.Confirm(Identifier));
        var reject = Parse(CableFrames.Reject(Identifier, "forbidden"));

        Assert.Equal("confirm_subscription", confirm.GetProperty("type").GetString());
        Assert.Equal(Identifier, confirm.GetProperty("identifier").GetString());
        Assert.Equal("reject_subscription", reject.GetProperty("type").GetString());
        Assert.Equal(Identifier, reject.GetProperty("identifier").GetString());
        Assert.Equal("forbidden", reject.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("slow_consumer", true)]
    [InlineData("unauthorized", false)]
    public void Disconnect_tells_the_client_why_and_whether_to_reconnect(string reason, bool reconnect)
    {
        var disconnect = Parse(CableFrames.Disconnect(reason, reconnect));

        Assert.Equal("disconnect", disconnect.GetProperty("type").GetString());
        Assert.Equal(reason, disconnect.GetProperty("reason").GetString());
        Assert.Equal(reconnect, disconnect.GetProperty("reconnect").GetBoolean());
    }

    [Fact]
    public void A_shared_payload_joined_to_a_subscribers_prefix_is_one_valid_message()
    {
        var frame = CableFrames.Message(CableFrames.MessagePrefix(Identifier), """{"seq":7,"state":"connected"}"""u8.ToArray());
        var wire = new byte[frame.Length];

        var written = frame.CopyTo(wire);

        Assert.Equal(frame.Length, written);
        var message = Parse(wire);
        Assert.Equal(Identifier, message.GetProperty("identifier").GetString());
        Assert.Equal(7, message.GetProperty("message").GetProperty("seq").GetInt32());
        Assert.Equal("connected", message.GetProperty("message").GetProperty("state").GetString());
    }

    [Fact]
    public void A_whole_frame_is_written_as_it_is()
    {
        var frame = CableFrame.Whole(CableFrames.Welcome);
        var wire = new byte[frame.Length];

        Assert.Equal(CableFrames.Welcome.Length, frame.CopyTo(wire));
        Assert.Equal("""{"type":"welcome"}""", Encoding.UTF8.GetString(wire));
    }

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;
}
