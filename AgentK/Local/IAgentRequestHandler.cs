namespace Plural.AgentK.Local;

/// <summary>
/// Serves tunnel requests addressed to the agent itself (<c>RequestHead.target = AGENT</c>), such as cached
/// queries, instead of forwarding them upstream. Registered in DI; without a registration such requests are
/// answered 404.
/// </summary>
internal interface IAgentRequestHandler
{
    /// <summary>Answers one request. The body of <paramref name="request"/> is fully read (bounded) beforehand.</summary>
    Task<AgentResponse> HandleAsync(AgentRequest request, CancellationToken cancellationToken);
}
