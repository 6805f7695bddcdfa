using Plural.Grains.Agents;

namespace Plural.Grains.Tests.Agents;

[Collection(ClusterCollection.Name)]
public sealed class AgentRegistrationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Registering_twice_fails_with_already_exists()
    {
        var name = AgentFactory.NewName();
        await AgentFactory.RegisterAsync(fixture.Grains, name);

        await Assert.ThrowsAsync<AgentAlreadyExistsException>(() => AgentFactory.RegisterAsync(fixture.Grains, name));
    }

    [Fact]
    public async Task Unregistered_agent_reads_as_null_and_refuses_tokens_and_leases()
    {
        var grain = fixture.Grains.GetGrain<IAgentGrain>(AgentFactory.NewName());

        Assert.Null(await grain.Get());
        await Assert.ThrowsAsync<AgentNotFoundException>(() => grain.AddToken(AgentFactory.NewToken().Record));
        Assert.Equal(LeaseDecision.UnknownAgent, await grain.RenewLease(AgentFactory.Lease()));
    }

    [Fact]
    public void Agent_names_must_be_dns_labels()
    {
        Assert.True(AgentName.IsValid("prod-eu-1"));
        Assert.False(AgentName.IsValid("Prod"));
        Assert.False(AgentName.IsValid("-edge"));
        Assert.False(AgentName.IsValid("a/b"));
        Assert.False(AgentName.IsValid(new string('a', 64)));
        Assert.False(AgentName.IsValid(""));
    }
}
