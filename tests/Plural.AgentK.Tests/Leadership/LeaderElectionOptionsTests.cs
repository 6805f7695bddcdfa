using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Leadership;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;

namespace Plural.AgentK.Tests.Leadership;

/// <summary>The election is off unless a Lease is named, takes client-go's timings, and refuses timings that could overlap two leaders.</summary>
public sealed class LeaderElectionOptionsTests
{
    [Fact]
    public void Without_a_lease_name_there_is_no_election_and_the_agent_leads_alone_from_the_start()
    {
        using var host = Build([]);

        var terms = host.Services.GetRequiredService<LeaderTerms>();

        Assert.False(terms.Elects);
        Assert.NotNull(terms.Current);
        Assert.DoesNotContain(LeadershipAnnouncer.Capability, host.Services.GetRequiredService<SessionFeatures>().Capabilities);
    }

    [Fact]
    public void A_lease_name_turns_the_election_on_with_client_go_timings_and_the_instance_id_as_identity()
    {
        using var host = Build(new() { ["Agent:LeaderElection:LeaseName"] = "agentk", ["Agent:LeaderElection:LeaseNamespace"] = "plural-agent", ["Agent:InstanceId"] = "agentk-7d9f-x2" });

        var options = host.Services.GetRequiredService<IOptions<LeaderElectionOptions>>().Value;
        var terms = host.Services.GetRequiredService<LeaderTerms>();

        Assert.True(terms.Elects);
        Assert.Null(terms.Current);
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (options.LeaseDuration, options.RenewDeadline, options.RetryPeriod));
        Assert.Equal("agentk-7d9f-x2", options.Identity);
        Assert.Contains(LeadershipAnnouncer.Capability, host.Services.GetRequiredService<SessionFeatures>().Capabilities);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("LeaseDuration", "00:00:10", "LeaseDuration must be longer than RenewDeadline")]
    [InlineData("RenewDeadline", "00:00:02", "RenewDeadline must be longer than 1.2 x RetryPeriod")]
    [InlineData("RetryPeriod", "00:00:00", "RetryPeriod must be positive")]
    [InlineData("LeaseDuration", "00:00:15.500", "LeaseDuration must be a whole number of seconds")]
    [InlineData("LeaseName", "Agent_K", "is not a Lease name")]
    [InlineData("LeaseNamespace", "Plural", "is not a namespace name")]
    public async Task Start_fails_naming_a_setting_the_election_cannot_run_with(string key, string value, string problem)
    {
        using var host = Build(new()
        {
            ["Agent:LeaderElection:LeaseName"] = "agentk",
            ["Agent:LeaderElection:LeaseNamespace"] = "plural-agent",
            ["Agent:LeaderElection:" + key] = value,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(problem, error.Message);
        Assert.Contains("Agent:LeaderElection:" + key, error.Message);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:GatewayUrl"] = "http://127.0.0.1:1",
            ["Agent:Token"] = "t",
            ["Agent:ObservabilityUrl"] = "",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddAgentK(builder.Configuration);
        return builder.Build();
    }
}
