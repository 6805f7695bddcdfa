namespace Plural.Grains.Agents;

/// <inheritdoc cref="IAgentInstallTicketGrain"/>
public sealed class AgentInstallTicketGrain(TimeProvider clock) : Grain, IAgentInstallTicketGrain
{
    private AgentInstallTicket? _ticket;
    private bool _used;

    public Task Hold(AgentInstallTicket ticket)
    {
        (_ticket, _used) = (ticket, false);
        // The token must outlive idle collection for the link's whole lifetime, and no longer.
        DelayDeactivation(ticket.ExpiresAt - clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<AgentInstallRedemption> Redeem(string agentName)
    {
        if (_ticket is null || _ticket.AgentName != agentName || clock.GetUtcNow() >= _ticket.ExpiresAt)
        {
            return Task.FromResult(new AgentInstallRedemption(AgentInstallTicketState.Unknown));
        }

        if (_used)
        {
            return Task.FromResult(new AgentInstallRedemption(AgentInstallTicketState.Used));
        }

        _used = true;
        var secret = _ticket.TokenSecret;
        // Only the fact that it was used is kept, to tell a second fetch why it gets nothing.
        _ticket = _ticket with { TokenSecret = "" };
        return Task.FromResult(new AgentInstallRedemption(AgentInstallTicketState.Redeemed, secret));
    }
}
