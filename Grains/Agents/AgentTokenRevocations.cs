using Microsoft.Extensions.Logging;
using Plural.Grains.Tokens;

namespace Plural.Grains.Agents;

/// <summary>Tells every gateway that tokens were revoked, so that their sessions end within moments everywhere.</summary>
internal static partial class AgentTokenRevocations
{
    public static async Task PublishAsync(IGrainFactory grains, string agentName, IEnumerable<AgentTokenRecord> tokens, ILogger logger)
    {
        try
        {
            var hub = grains.GetGrain<ITokenRevocationHubGrain>(ITokenRevocationHubGrain.Key);
            foreach (var token in tokens)
            {
                await hub.Publish(new AgentTokenRevoked(agentName, token.TokenId, token.Hash));
            }
        }
        catch (Exception ex)
        {
            // The revocation stands in the token grain; gateways still learn it at their next lease renewal.
            LogPublishFailed(logger, agentName, ex);
        }
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Could not announce token revocations of agent {AgentName}; gateways learn them at the next lease renewal")]
    private static partial void LogPublishFailed(ILogger logger, string agentName, Exception exception);
}
