using System.Text.Json;

namespace Plural.Gateway.Cable;

/// <summary>One command a client sent (<c>subscribe</c>, <c>unsubscribe</c>, <c>message</c>, ...) with its raw identifier.</summary>
internal sealed record CableCommand(string Command, string Identifier)
{
    /// <summary>
    /// Reads a client message; null with a reason for <c>invalid_request</c> when it is not JSON or lacks a string
    /// <c>command</c> and <c>identifier</c>. Never throws, whatever the bytes.
    /// </summary>
    public static CableCommand? TryParse(ReadOnlyMemory<byte> json, out string? problem)
    {
        string? command;
        string? identifier;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            command = StringProperty(root, "command");
            identifier = StringProperty(root, "identifier");
        }
        catch (JsonException)
        {
            problem = "message is not valid JSON";
            return null;
        }

        if (command is null || identifier is null)
        {
            problem = "message needs string \"command\" and \"identifier\"";
            return null;
        }

        problem = null;
        return new CableCommand(command, identifier);
    }

    private static string? StringProperty(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
