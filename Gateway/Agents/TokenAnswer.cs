using System.Globalization;
using System.Text.Json;
using Plural.Grains.Agents;

namespace Plural.Gateway.Agents;

/// <summary>What the main application's token endpoint says about a token it knows.</summary>
/// <param name="Agent">The agent's name.</param>
/// <param name="TokenId">The main application's id of the token; null when it gives none.</param>
/// <param name="ExpiresAt">When the token stops working; null when it does not expire.</param>
internal sealed record TokenAnswer(string Agent, string? TokenId, DateTimeOffset? ExpiresAt)
{
    /// <summary>The answer in <paramref name="body"/>, or null when it is not one (not JSON, no valid agent name, a bad date).</summary>
    public static TokenAnswer? Parse(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("agent", out var agent) || agent.ValueKind != JsonValueKind.String || !AgentName.IsValid(agent.GetString()!))
            {
                return null;
            }

            var tokenId = root.TryGetProperty("token_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0
                ? id.GetString()
                : null;
            DateTimeOffset? expires = null;
            if (root.TryGetProperty("expires_at", out var at) && at.ValueKind != JsonValueKind.Null)
            {
                if (at.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return null;
                }

                expires = parsed;
            }

            return new TokenAnswer(agent.GetString()!, tokenId, expires);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
