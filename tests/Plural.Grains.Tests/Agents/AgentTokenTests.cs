using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Grains.Tests.Agents;

[Collection(ClusterCollection.Name)]
public sealed class AgentTokenTests(ClusterFixture fixture)
{
    [Fact]
    public void Token_hash_is_lowercase_hex_sha256()
    {
        // FIPS 180-2 test vector for "abc".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", AgentTokenHash.Compute("abc"));
    }

    [Fact]
    public async Task Registered_token_hash_resolves_to_its_agent()
    {
        var name = AgentFactory.NewName();
        var (_, secret) = await AgentFactory.RegisterAsync(fixture.Grains, name);

        var binding = await fixture.Grains.GetGrain<IAgentTokenGrain>(AgentTokenHash.Compute(secret)).Resolve();

        Assert.NotNull(binding);
        Assert.Equal(name, binding.AgentName);
        Assert.True(binding.IsActive);
    }

    [Fact]
    public async Task Unknown_token_hash_resolves_to_nothing()
    {
        var binding = await fixture.Grains.GetGrain<IAgentTokenGrain>(AgentTokenHash.Compute("never-issued")).Resolve();

        Assert.Null(binding);
    }

    [Fact]
    public async Task Stored_agent_state_contains_no_token_secret()
    {
        var name = AgentFactory.NewName();
        var (grain, secret) = await AgentFactory.RegisterAsync(fixture.Grains, name);

        var snapshot = await grain.Get();

        Assert.NotNull(snapshot);
        Assert.All(snapshot.Tokens, t => Assert.NotEqual(secret, t.Hash));
        Assert.DoesNotContain(secret, snapshot.ToString());
    }

    [Fact]
    public async Task Revoked_token_resolves_as_revoked_and_its_leases_are_refused()
    {
        var name = AgentFactory.NewName();
        var (grain, secret) = await AgentFactory.RegisterAsync(fixture.Grains, name);
        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(AgentFactory.Lease()));

        Assert.True(await grain.RevokeToken("t1"));

        var binding = await fixture.Grains.GetGrain<IAgentTokenGrain>(AgentTokenHash.Compute(secret)).Resolve();
        Assert.NotNull(binding);
        Assert.False(binding.IsActive);
        Assert.Equal(LeaseDecision.TokenRevoked, await grain.RenewLease(AgentFactory.Lease()));
        Assert.False((await grain.Get())!.Status.Connected);
    }

    [Fact]
    public async Task An_expired_token_has_its_leases_refused_as_expired_and_holds_no_rotation_slot()
    {
        var name = AgentFactory.NewName();
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var (grain, secret) = await AgentFactory.RegisterAsync(fixture.Grains, name, expiresAt);
        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(AgentFactory.Lease()));
        var binding = await fixture.Grains.GetGrain<IAgentTokenGrain>(AgentTokenHash.Compute(secret)).Resolve();
        Assert.Equal(expiresAt, binding!.ExpiresAt);

        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));

        Assert.Equal(LeaseDecision.TokenExpired, await grain.RenewLease(AgentFactory.Lease()));
        Assert.False((await grain.Get())!.Status.Connected);
        await grain.AddToken(AgentFactory.NewToken("t2").Record);
        await grain.AddToken(AgentFactory.NewToken("t3").Record);
        await Assert.ThrowsAsync<TooManyAgentTokensException>(() => grain.AddToken(AgentFactory.NewToken("t4").Record));
    }

    [Fact]
    public async Task Revoking_one_token_keeps_the_other_working_for_rotation()
    {
        var name = AgentFactory.NewName();
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, name);
        var (second, _) = AgentFactory.NewToken("t2");
        await grain.AddToken(second);

        await grain.RevokeToken("t1");

        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(AgentFactory.Lease(tokenId: "t2")));
        Assert.Equal(LeaseDecision.TokenRevoked, await grain.RenewLease(AgentFactory.Lease(tokenId: "t1")));
    }

    [Fact]
    public async Task Revoking_an_unknown_token_reports_false()
    {
        var (grain, _) = await AgentFactory.RegisterAsync(fixture.Grains, AgentFactory.NewName());

        Assert.False(await grain.RevokeToken("nope"));
    }
}
