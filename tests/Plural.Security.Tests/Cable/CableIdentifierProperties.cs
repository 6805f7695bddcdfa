using System.Text.Json.Nodes;
using CsCheck;
using Plural.Gateway.Cable;
using Plural.Security.Tests.Infrastructure;
using Plural.Security.Tests.KubeEmulator;

namespace Plural.Security.Tests.Cable;

/// <summary>
/// The subscription identifier of an ActionCable <c>subscribe</c> command, the only part of a cable command a client
/// shapes freely. Any text either parses into an identifier that keeps the raw text (every reply must echo it) or is
/// refused with a reason for <c>reject_subscription</c>; the parser never throws.
/// </summary>
public sealed class CableIdentifierProperties
{
    private static readonly Gen<string> Identifiers = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf<string?>("AgentStatusChannel", "ClusterEventsChannel", "ClusterViewsChannel", "", null),
            Gen.OneOf<JsonNode?>("prod-eu-1", "Not_A_Label", "", 7, null, new JsonArray()),
            Gen.OneOf<JsonNode?>(0, -1, 12, 1.5, long.MaxValue, "3", null),
            Gen.OneOf<JsonNode?>("e1", 3, null),
            (channel, agent, since, epoch) => new JsonObject
            {
                ["channel"] = channel, ["agent"] = agent?.DeepClone(), ["since"] = since?.DeepClone(), ["epoch"] = epoch?.DeepClone(),
            }.ToJsonString())),
        (2, HostileRequests.Json(3).Select(node => node?.ToJsonString() ?? "null")),
        (1, Gen.String[0, 64]),
        (1, Gen.Char.Array[1_000, 1_100].Select(chars => "{\"channel\":\"" + new string(chars) + "\"}")));

    [Fact]
    public void Any_identifier_text_parses_or_is_refused_with_a_reason_and_never_throws()
    {
        Identifiers.Sample(raw =>
        {
            var identifier = CableIdentifier.TryParse(raw, out var error);

            if (identifier is null)
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
            }
            else
            {
                Assert.Equal(raw, identifier.Raw);
                Assert.False(string.IsNullOrEmpty(identifier.Channel));
                Assert.True(identifier.Since is null or >= 0);
            }
        }, iter: Fuzz.Iterations(20_000), print: raw => raw);
    }
}
