namespace Plural.Grains.Agents;

/// <summary>What an operator said about an agent when registering it.</summary>
/// <param name="Name">The agent's name.</param>
/// <param name="Labels">Its registration labels.</param>
/// <param name="Description">Free text.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="RequestId">
/// The main application's <c>request_id</c> of the registering call, if it gave one: a retry of that call is answered
/// as a registration, not as a taken name (see <see cref="IAgentGrain.Register"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("plural.agents.AgentRegistration")]
public sealed record AgentRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string? RequestId = null);
