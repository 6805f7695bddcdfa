using Plural.Gateway.Cable;

namespace Plural.Gateway.Tests.Cable;

/// <summary>Subscription identifiers and client commands: what is accepted, and the reason given for what is not.</summary>
public sealed class CableIdentifierTests
{
    [Fact]
    public void An_identifier_keeps_its_raw_text_and_reads_channel_agent_since_and_epoch()
    {
        const string raw = """{ "channel": "SyncStatusChannel", "agent": "prod-1", "since": 42, "epoch": "abc123" }""";

        var identifier = CableIdentifier.TryParse(raw, out var error);

        Assert.Equal("", error);
        Assert.NotNull(identifier);
        Assert.Equal(raw, identifier.Raw);
        Assert.Equal("SyncStatusChannel", identifier.Channel);
        Assert.Equal("prod-1", identifier.Agent);
        Assert.Equal(42, identifier.Since);
        Assert.Equal("abc123", identifier.Epoch);
    }

    [Fact]
    public void Agent_since_and_epoch_are_optional_and_may_be_null()
    {
        var identifier = CableIdentifier.TryParse("""{"channel":"AgentStatusChannel","agent":null,"since":null,"epoch":null}""", out _);

        Assert.NotNull(identifier);
        Assert.Null(identifier.Agent);
        Assert.Null(identifier.Since);
        Assert.Null(identifier.Epoch);
    }

    [Theory]
    [InlineData("not json", "identifier is not valid JSON")]
    [InlineData("""{"channel":""", "identifier is not valid JSON")]
    [InlineData("""["AgentStatusChannel"]""", "identifier must be a JSON object")]
    [InlineData("""{}""", "identifier has no \"channel\"")]
    [InlineData("""{"channel":""}""", "identifier has no \"channel\"")]
    [InlineData("""{"channel":7}""", "identifier has no \"channel\"")]
    [InlineData("""{"channel":"C","agent":"Prod"}""", "\"agent\" must be an agent name (RFC 1123 label)")]
    [InlineData("""{"channel":"C","agent":"a/b"}""", "\"agent\" must be an agent name (RFC 1123 label)")]
    [InlineData("""{"channel":"C","agent":5}""", "\"agent\" must be an agent name (RFC 1123 label)")]
    [InlineData("""{"channel":"C","since":-1}""", "\"since\" must be a non-negative integer")]
    [InlineData("""{"channel":"C","since":"3"}""", "\"since\" must be a non-negative integer")]
    [InlineData("""{"channel":"C","since":1.5}""", "\"since\" must be a non-negative integer")]
    [InlineData("""{"channel":"C","epoch":12}""", "\"epoch\" must be a string")]
    public void A_bad_identifier_is_refused_with_a_reason(string raw, string reason)
    {
        Assert.Null(CableIdentifier.TryParse(raw, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void An_identifier_over_1024_characters_is_refused_before_parsing()
    {
        var raw = "{\"channel\":\"C\",\"pad\":\"" + new string('x', 1024) + "\"}";

        Assert.Null(CableIdentifier.TryParse(raw, out var error));
        Assert.Equal("identifier is longer than 1024 characters", error);
    }

    [Fact]
    public void A_command_names_its_kind_and_raw_identifier()
    {
        var command = CableCommand.TryParse("""{"command":"subscribe","identifier":"{\"channel\":\"C\"}"}"""u8.ToArray(), out var problem);

        Assert.Null(problem);
        Assert.Equal(new CableCommand("subscribe", """{"channel":"C"}"""), command);
    }

    [Theory]
    [InlineData("{", "message is not valid JSON")]
    [InlineData("\u00ff\u00fe", "message is not valid JSON")]
    [InlineData("""[1,2]""", "message needs string \"command\" and \"identifier\"")]
    [InlineData("""{"command":"subscribe"}""", "message needs string \"command\" and \"identifier\"")]
    [InlineData("""{"command":1,"identifier":"x"}""", "message needs string \"command\" and \"identifier\"")]
    [InlineData("""{"command":"subscribe","identifier":{"channel":"C"}}""", "message needs string \"command\" and \"identifier\"")]
    public void A_bad_command_is_refused_with_a_reason_and_never_throws(string json, string reason)
    {
        Assert.Null(CableCommand.TryParse(System.Text.Encoding.Latin1.GetBytes(json), out var problem));
        Assert.Equal(reason, problem);
    }
}
