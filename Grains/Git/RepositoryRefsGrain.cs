namespace Plural.Grains.Git;

/// <inheritdoc cref="IRepositoryRefsGrain"/>
public sealed class RepositoryRefsGrain(
    [PersistentState("refs")] IPersistentState<RepositoryRefsState> state) : Grain, IRepositoryRefsGrain
{
    public async Task Add(string gitRef)
    {
        if (state.State.Refs.Add(gitRef))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Remove(string gitRef)
    {
        if (state.State.Refs.Remove(gitRef))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Refs]);
}
