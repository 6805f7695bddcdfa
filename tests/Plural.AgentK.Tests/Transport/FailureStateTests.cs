using Plural.AgentK.Transport;

namespace Plural.AgentK.Tests.Transport;

public sealed class FailureStateTests
{
    [Fact]
    public void Repeated_failures_are_reported_once_per_state_and_again_after_recovery()
    {
        var state = new FailureState();

        Assert.True(state.Changed("Unauthenticated"));
        Assert.False(state.Changed("Unauthenticated"));
        Assert.False(state.Changed("Cancelled")); // a write racing the refusal, not a new state
        Assert.True(state.Changed("ResourceExhausted"));
        state.Recovered();
        Assert.True(state.Changed("ResourceExhausted"));
    }

    [Fact]
    public void Incidental_failures_alone_are_reported_once_they_persist()
    {
        var state = new FailureState();

        Assert.False(state.Changed("Cancelled"));
        Assert.False(state.Changed("Cancelled"));
        Assert.True(state.Changed("Cancelled"));
        Assert.False(state.Changed("Cancelled"));
        Assert.True(state.Changed("Unavailable"));
    }
}
