namespace Plural.Grains.Tokens;

/// <inheritdoc cref="IAgentTokenGrain"/>
public sealed class AgentTokenGrain(
    [PersistentState("token")] IPersistentState<TokenBindingState> state) : Grain, IAgentTokenGrain
{
    public async Task Bind(TokenBinding binding)
    {
        if (state.State.Binding == binding)
        {
            return;
        }

        state.State.Binding = binding;
        await state.WriteStateAsync();
    }

    public Task<TokenBinding?> Resolve() => Task.FromResult(state.State.Binding);

    public async Task Revoke(DateTimeOffset revokedAt)
    {
        if (state.State.Binding is not { IsActive: true } binding)
        {
            return;
        }

        state.State.Binding = binding with { RevokedAt = revokedAt };
        await state.WriteStateAsync();
    }
}
