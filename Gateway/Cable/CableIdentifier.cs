using System.Text.Json;
using Plural.Grains.Agents;

namespace Plural.Gateway.Cable;

/// <summary>
/// A subscription identifier: the JSON string the client sends, kept verbatim because every reply must carry it
/// unchanged, and the parameters read from it.
/// </summary>
/// <param name="Raw">The identifier exactly as received.</param>
/// <param name="Channel">The <c>channel</c> parameter.</param>
/// <param name="Agent">The <c>agent</c> parameter, when given.</param>
/// <param name="Since">The <c>since</c> parameter: the sequence number of the last message the client saw.</param>
/// <param name="Epoch">The <c>epoch</c> parameter: the epoch of that message.</param>
internal sealed record CableIdentifier(string Raw, string Channel, string? Agent, long? Since, string? Epoch)
{
    private const int MaxLength = 1024;

    /// <summary>Parses an identifier; on failure returns null and a reason for the <c>reject_subscription</c>.</summary>
    public static CableIdentifier? TryParse(string raw, out string error)
    {
        error = "";
        if (raw.Length > MaxLength)
        {
            error = $"identifier is longer than {MaxLength} characters";
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(raw);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "identifier must be a JSON object";
                return null;
            }

            if (!root.TryGetProperty("channel", out var channel) || channel.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(channel.GetString()))
            {
                error = "identifier has no \"channel\"";
                return null;
            }

            string? agent = null;
            if (root.TryGetProperty("agent", out var agentElement) && agentElement.ValueKind != JsonValueKind.Null)
            {
                agent = agentElement.ValueKind == JsonValueKind.String ? agentElement.GetString() : null;
                if (agent is null || !AgentName.IsValid(agent))
                {
                    error = "\"agent\" must be an agent name (RFC 1123 label)";
                    return null;
                }
            }

            long? since = null;
            if (root.TryGetProperty("since", out var sinceElement) && sinceElement.ValueKind != JsonValueKind.Null)
            {
                if (sinceElement.ValueKind != JsonValueKind.Number || !sinceElement.TryGetInt64(out var value) || value < 0)
                {
                    error = "\"since\" must be a non-negative integer";
                    return null;
                }

                since = value;
            }

            string? epoch = null;
            if (root.TryGetProperty("epoch", out var epochElement) && epochElement.ValueKind != JsonValueKind.Null)
            {
                epoch = epochElement.ValueKind == JsonValueKind.String ? epochElement.GetString() : null;
                if (epoch is null)
                {
                    error = "\"epoch\" must be a string";
                    return null;
                }
            }

            return new CableIdentifier(raw, channel.GetString()!, agent, since, epoch);
        }
        catch (JsonException)
        {
            error = "identifier is not valid JSON";
            return null;
        }
    }
}
