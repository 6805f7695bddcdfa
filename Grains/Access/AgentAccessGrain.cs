namespace Plural.Grains.Access;

/// <inheritdoc cref="IAgentAccessGrain"/>
public sealed class AgentAccessGrain([PersistentState("agentAccess")] IPersistentState<AgentAccessState> state) : Grain, IAgentAccessGrain
{
    public Task<AgentAccessPolicy> Get() => Task.FromResult(state.State.Policy ?? AgentAccessPolicy.Default);

    public async Task Set(AgentAccessPolicy policy)
    {
        state.State.Policy = policy;
        await state.WriteStateAsync();
    }
}
