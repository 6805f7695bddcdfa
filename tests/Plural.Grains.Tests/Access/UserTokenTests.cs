using Plural.Grains.Access;
using Plural.Grains.Tokens;

namespace Plural.Grains.Tests.Access;

[Collection(ClusterCollection.Name)]
public sealed class UserTokenTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_issued_token_resolves_only_with_its_own_hash_and_stops_after_revocation()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        var hash = AgentTokenHash.Compute("secret-" + id);
        var now = DateTimeOffset.UtcNow;
        var grain = cluster.Grains.GetGrain<IUserTokenGrain>(id);
        await grain.Issue(new UserTokenGrant(id, hash, "alice", ["sre"], ["prod"], now, now.AddHours(1)));

        var resolved = await grain.Resolve(hash);
        var wrong = await grain.Resolve(AgentTokenHash.Compute("guess"));
        Assert.True(await grain.Revoke());
        var afterRevoke = await grain.Resolve(hash);

        Assert.NotNull(resolved);
        Assert.True(resolved.IsValidAt(now) && resolved.Reaches("prod") && !resolved.Reaches("staging"));
        Assert.Null(wrong);
        Assert.NotNull(afterRevoke!.RevokedAt);
        Assert.False(afterRevoke.IsValidAt(now));
    }

    [Fact]
    public async Task A_token_id_cannot_be_issued_twice_and_unknown_tokens_cannot_be_revoked()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        var now = DateTimeOffset.UtcNow;
        var grant = new UserTokenGrant(id, "h", "bob", [], [UserTokenGrant.AllAgents], now, now.AddHours(1));
        await cluster.Grains.GetGrain<IUserTokenGrain>(id).Issue(grant);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Grains.GetGrain<IUserTokenGrain>(id).Issue(grant));
        Assert.False(await cluster.Grains.GetGrain<IUserTokenGrain>("never-issued").Revoke());
        Assert.True(grant.Reaches("any-agent"));
    }

    [Fact]
    public async Task An_agent_impersonates_the_user_until_its_policy_says_otherwise()
    {
        var access = cluster.Grains.GetGrain<IAgentAccessGrain>("agent-" + Guid.NewGuid().ToString("N")[..8]);

        var initial = await access.Get();
        await access.Set(new AgentAccessPolicy(ClusterIdentityMode.FixedIdentity, "viewer", ["readers"]));
        var changed = await access.Get();

        Assert.Equal(ClusterIdentityMode.ImpersonateUser, initial.Mode);
        Assert.Equal(ClusterIdentityMode.FixedIdentity, changed.Mode);
        Assert.Equal("viewer", changed.FixedUser);
        Assert.Equal(["readers"], changed.FixedGroups);
    }
}
