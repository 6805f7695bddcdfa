using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Plural.Gateway.Cable;
using Plural.Security.Tests.Infrastructure;
using Plural.Security.Tests.KubeEmulator;

namespace Plural.Security.Tests.Cable;

/// <summary>
/// Every message a cable client sends goes through <see cref="CableCommand.TryParse"/>. Any bytes either give a
/// command with the client's strings unchanged or a reason for <c>invalid_request</c>; the parser never throws.
/// </summary>
public sealed class CableCommandProperties
{
    private static readonly Gen<JsonNode?> Field = Gen.Frequency(
        (4, Gen.OneOf("subscribe", "unsubscribe", "message", "{\"channel\":\"AgentStatusChannel\"}", "").Select(s => (JsonNode?)s)),
        (2, HostileRequests.Json(2)),
        (1, Gen.String[0, 32].Select(s => (JsonNode?)s)));

    private static readonly Gen<byte[]> Messages = Gen.Frequency(
        (4, Gen.Select(Field, Field, Gen.Bool, (command, identifier, extra) =>
        {
            var message = new JsonObject { ["command"] = command?.DeepClone(), ["identifier"] = identifier?.DeepClone() };
            if (extra)
            {
                message["data"] = "{\"action\":\"x\"}";
            }

            return Encoding.UTF8.GetBytes(message.ToJsonString());
        })),
        (2, HostileRequests.Json(4).Select(node => Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null"))),
        (1, Gen.Int[1, 200].Select(depth => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.String[0, 64].Select(Encoding.UTF8.GetBytes)));

    [Fact]
    public void Any_bytes_give_a_command_with_the_clients_strings_or_a_reason_and_never_throw()
    {
        Messages.Sample(bytes =>
        {
            var command = CableCommand.TryParse(bytes, out var problem);

            if (command is null)
            {
                Assert.False(string.IsNullOrWhiteSpace(problem));
                return;
            }

            var json = JsonNode.Parse(bytes)!.AsObject();
            Assert.Equal((string?)json["command"], command.Command);
            Assert.Equal((string?)json["identifier"], command.Identifier);
        }, iter: Fuzz.Iterations(20_000), print: bytes => Convert.ToBase64String(bytes));
    }
}
