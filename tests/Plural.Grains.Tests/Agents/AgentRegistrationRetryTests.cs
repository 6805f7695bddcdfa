using Plural.Grains.Agents;
using Plural.Grains.Tokens;

namespace Plural.Grains.Tests.Agents;

/// <summary>
/// A registering call whose answer was lost (it registered, then a silo died before the answer came back) is retried
/// by the main application with the same request id and must be answered as a registration, not as a taken name.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AgentRegistrationRetryTests(ClusterFixture fixture)
{
    private static readonly Dictionary<string, string> Labels = new() { ["env"] = "prod" };

    [Fact]
    public async Task A_retry_of_the_registering_call_is_answered_with_the_registration_and_a_new_first_token()
    {
        var name = AgentFactory.NewName();
        var grain = fixture.Grains.GetGrain<IAgentGrain>(name);
        var (lost, lostSecret) = AgentFactory.NewToken("tok-lost");
        var (retried, _) = AgentFactory.NewToken("tok-retried");
        var first = await grain.Register(Registration(name, "req-1"), lost);

        var again = await grain.Register(Registration(name, "req-1", createdAt: DateTimeOffset.UtcNow.AddMinutes(1)), retried);

        Assert.Equal(first.Registration.CreatedAt, again.Registration.CreatedAt);
        Assert.Equal("tok-retried", Assert.Single(again.Tokens).TokenId);
        var lostBinding = await fixture.Grains.GetGrain<IAgentTokenGrain>(AgentTokenHash.Compute(lostSecret)).Resolve();
        Assert.False(lostBinding!.IsActive, "the token of the lost answer still works");
        var retriedBinding = await fixture.Grains.GetGrain<IAgentTokenGrain>(retried.Hash).Resolve();
        Assert.Equal((name, "tok-retried", true), (retriedBinding!.AgentName, retriedBinding.TokenId, retriedBinding.IsActive));
    }

    [Fact]
    public async Task Another_request_id_or_other_fields_still_find_the_name_taken()
    {
        var name = AgentFactory.NewName();
        var grain = fixture.Grains.GetGrain<IAgentGrain>(name);
        await grain.Register(Registration(name, "req-1"), AgentFactory.NewToken().Record);

        await Assert.ThrowsAsync<AgentAlreadyExistsException>(() => grain.Register(Registration(name, "req-2"), AgentFactory.NewToken("t2").Record));
        await Assert.ThrowsAsync<AgentAlreadyExistsException>(() => grain.Register(Registration(name, null), AgentFactory.NewToken("t2").Record));
        await Assert.ThrowsAsync<AgentAlreadyExistsException>(() =>
            grain.Register(Registration(name, "req-1") with { Description = "another" }, AgentFactory.NewToken("t2").Record));
    }

    [Fact]
    public async Task A_retry_after_the_agent_connected_with_its_first_token_finds_the_name_taken()
    {
        var name = AgentFactory.NewName();
        var grain = fixture.Grains.GetGrain<IAgentGrain>(name);
        await grain.Register(Registration(name, "req-1"), AgentFactory.NewToken("t1").Record);
        Assert.Equal(LeaseDecision.Accepted, await grain.RenewLease(AgentFactory.Lease(tokenId: "t1")));

        await Assert.ThrowsAsync<AgentAlreadyExistsException>(() => grain.Register(Registration(name, "req-1"), AgentFactory.NewToken("t2").Record));
        Assert.Equal("t1", Assert.Single((await grain.Get())!.Tokens).TokenId);
    }

    private static AgentRegistration Registration(string name, string? requestId, DateTimeOffset? createdAt = null) =>
        new(name, Labels, "edge cluster", createdAt ?? DateTimeOffset.UtcNow, requestId);
}
