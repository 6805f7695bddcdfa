using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Agents;

namespace Plural.Gateway.Install;

/// <summary>
/// Issues and redeems install links. A link carries a random ticket, never a token: the ticket names a grain (by its
/// hash) holding the agent token for the link's lifetime, so any gateway of the cluster serves the link, once.
/// </summary>
public sealed class AgentInstallLinks(IGrainFactory grains, IOptions<InstallOptions> options, GatewayListeners listeners, TimeProvider clock)
{
    /// <summary>The route of an install link.</summary>
    public const string Route = "/agents/{agent}/install.yaml";

    /// <summary>The query parameter holding the ticket.</summary>
    public const string TicketParameter = "ticket";

    private const string TicketPrefix = "plrl_install_";

    /// <summary>A link that installs <paramref name="agentName"/> with the token <paramref name="tokenSecret"/>.</summary>
    public async Task<AgentInstallLink> IssueAsync(string agentName, string tokenSecret)
    {
        var ticket = TicketPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expiresAt = clock.GetUtcNow() + options.Value.LinkLifetime;
        await Grain(ticket).Hold(new AgentInstallTicket(agentName, tokenSecret, expiresAt));
        var baseUrl = (options.Value.PublicUrl ?? listeners.UrlOf(ListenerKind.Http).ToString()).TrimEnd('/');
        var url = $"{baseUrl}{Route.Replace("{agent}", agentName, StringComparison.Ordinal)}?{TicketParameter}={ticket}";
        return new AgentInstallLink(url, $"kubectl apply -f \"{url}\"", expiresAt);
    }

    /// <summary>Redeems a link's ticket for <paramref name="agentName"/>.</summary>
    public Task<AgentInstallRedemption> RedeemAsync(string agentName, string ticket) =>
        ticket.StartsWith(TicketPrefix, StringComparison.Ordinal)
            ? Grain(ticket).Redeem(agentName)
            : Task.FromResult(new AgentInstallRedemption(AgentInstallTicketState.Unknown));

    private IAgentInstallTicketGrain Grain(string ticket) =>
        grains.GetGrain<IAgentInstallTicketGrain>(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket))));
}
