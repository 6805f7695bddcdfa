using System.Security.Cryptography;
using System.Text;

namespace Plural.Grains.Access;

/// <inheritdoc cref="IUserTokenGrain"/>
public sealed class UserTokenGrain(
    [PersistentState("userToken")] IPersistentState<UserTokenState> state,
    TimeProvider clock) : Grain, IUserTokenGrain
{
    public async Task Issue(UserTokenGrant grant)
    {
        if (state.State.Grant is not null)
        {
            throw new InvalidOperationException($"user token {this.GetPrimaryKeyString()} already exists");
        }

        state.State.Grant = grant with { TokenId = this.GetPrimaryKeyString() };
        await state.WriteStateAsync();
    }

    public Task<UserTokenGrant?> Resolve(string hash)
    {
        var grant = state.State.Grant;
        var matches = grant is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(grant.Hash), Encoding.ASCII.GetBytes(hash));
        return Task.FromResult(matches ? grant : null);
    }

    public Task<UserTokenGrant?> Get() => Task.FromResult(state.State.Grant);

    public async Task<bool> Revoke()
    {
        if (state.State.Grant is not { } grant)
        {
            return false;
        }

        if (grant.RevokedAt is null)
        {
            state.State.Grant = grant with { RevokedAt = clock.GetUtcNow() };
            await state.WriteStateAsync();
        }

        return true;
    }
}
