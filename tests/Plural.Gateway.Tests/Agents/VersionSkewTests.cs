using Plural.Gateway.Agents;

namespace Plural.Gateway.Tests.Agents;

/// <summary>The gateway/agent skew policy as operators read it in an agent's <c>version</c> condition.</summary>
public sealed class VersionSkewTests
{
    [Theory]
    [InlineData("0.3.1+5570522e6b00", "0.3.0")]
    [InlineData("0.2.9", "0.3.4+abc")]
    [InlineData("1.4.0-rc.1", "1.4.2")]
    public void An_agent_of_the_gateways_release_or_one_minor_older_is_within_the_policy(string agent, string gateway)
    {
        var condition = VersionSkew.Judge(agent, gateway);

        Assert.Equal("version", condition.Type);
        Assert.True(condition.Ok, condition.Message);
    }

    [Theory]
    [InlineData("0.1.5", "0.3.0", "agent 0.1.5 is outside the supported skew of gateway 0.3.0 (same release or one minor older): upgrade the agent")]
    [InlineData("0.4.0", "0.3.0", "agent 0.4.0 is outside the supported skew of gateway 0.3.0 (same release or one minor older): upgrade the gateways first")]
    [InlineData("1.3.0", "0.3.0", "agent 1.3.0 is outside the supported skew of gateway 0.3.0 (same release or one minor older): upgrade the gateways first")]
    [InlineData("1.0.0", "2.0.0", "agent 1.0.0 is outside the supported skew of gateway 2.0.0 (same release or one minor older): upgrade the agent")]
    public void An_agent_outside_the_policy_is_named_with_what_to_upgrade(string agent, string gateway, string message)
    {
        var condition = VersionSkew.Judge(agent, gateway);

        Assert.False(condition.Ok);
        Assert.Equal(message, condition.Message);
    }

    [Theory]
    [InlineData("", "agent reports no release version (no version); gateway is 0.3.0")]
    [InlineData("1.0.0.0", "agent reports no release version (1.0.0.0); gateway is 0.3.0")]
    [InlineData("latest", "agent reports no release version (latest); gateway is 0.3.0")]
    public void An_agent_without_a_release_version_is_shown_as_unknown_rather_than_trusted(string agent, string message)
    {
        var condition = VersionSkew.Judge(agent, "0.3.0");

        Assert.False(condition.Ok);
        Assert.Equal(message, condition.Message);
    }
}
