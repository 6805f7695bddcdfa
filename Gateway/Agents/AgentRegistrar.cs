using Plural.Grains.Agents;

namespace Plural.Gateway.Agents;

/// <summary>Registers agents and issues their tokens; the one place that sees token secrets on the way out.</summary>
public sealed class AgentRegistrar(IGrainFactory grains, AgentTokenIssuer issuer, TimeProvider clock)
{
    /// <summary>
    /// Registers an agent and returns its first token secret. Throws <see cref="ArgumentException"/> for a bad name and
    /// <see cref="AgentAlreadyExistsException"/> for a taken one, except to a retry of the registering call's
    /// <paramref name="requestId"/> whose answer was lost (see <see cref="IAgentGrain.Register"/>).
    /// </summary>
    public async Task<(AgentSnapshot Agent, AgentTokenRecord Token, string Secret)> RegisterAsync(
        string name, IReadOnlyDictionary<string, string> labels, string description, TimeSpan? tokenTimeToLive = null, string? requestId = null)
    {
        if (!AgentName.IsValid(name))
        {
            throw new ArgumentException(AgentName.Requirement, nameof(name));
        }

        var (record, secret) = issuer.Issue("initial token", tokenTimeToLive);
        var registration = new AgentRegistration(name, new Dictionary<string, string>(labels), description, clock.GetUtcNow(),
            string.IsNullOrEmpty(requestId) ? null : requestId);
        var snapshot = await grains.GetGrain<IAgentGrain>(name).Register(registration, record);
        return (snapshot, record, secret);
    }

    /// <summary>Issues one more token for an agent (rotation). Throws <see cref="AgentNotFoundException"/>.</summary>
    public async Task<(AgentTokenRecord Token, string Secret)> AddTokenAsync(string name, string description, TimeSpan? timeToLive = null)
    {
        var (record, secret) = issuer.Issue(description, timeToLive);
        await grains.GetGrain<IAgentGrain>(name).AddToken(record);
        return (record, secret);
    }
}
