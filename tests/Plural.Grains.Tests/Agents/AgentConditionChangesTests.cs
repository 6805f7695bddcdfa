using Plural.Grains.Agents;

namespace Plural.Grains.Tests.Agents;

/// <summary>Which changes of an agent's reported conditions subscribers are told about.</summary>
public sealed class AgentConditionChangesTests
{
    private static readonly AgentHealthCondition Synced = new("informer/pods", true, "synced, 3 objects");
    private static readonly AgentHealthCondition Refused = new("informer/pods", false, "API server answered 401 (Unauthorized) for pods");

    [Fact]
    public void An_ok_conditions_new_reading_is_no_change() =>
        Assert.False(AgentConditionChanges.Differ([Synced], [Synced with { Message = "synced, 4 objects" }]));

    [Fact]
    public void Turning_not_ok_is_a_change() => Assert.True(AgentConditionChanges.Differ([Synced], [Refused]));

    [Fact]
    public void A_failing_conditions_new_reason_is_a_change() =>
        Assert.True(AgentConditionChanges.Differ([Refused], [Refused with { Message = "API server answered 403 (Forbidden) for pods" }]));

    [Fact]
    public void A_condition_that_appears_or_goes_away_is_a_change()
    {
        var tunnels = new AgentHealthCondition("tunnels", true, "2 of at most 500 tunnel streams open, 2 idle");

        Assert.True(AgentConditionChanges.Differ([Synced], [Synced, tunnels]));
        Assert.True(AgentConditionChanges.Differ([Synced, tunnels], [Synced]));
        Assert.True(AgentConditionChanges.Differ([Synced], [tunnels]));
        Assert.False(AgentConditionChanges.Differ(null, []));
    }
}
