using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Tests;

public sealed class AgentOptionsTests
{
    [Fact(Timeout = 30_000)]
    public async Task Start_fails_with_a_clear_message_without_gateway_url_or_token()
    {
        using var host = Build(new Dictionary<string, string?> { ["Agent:ObservabilityUrl"] = "" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Agent:GatewayUrl", error.Message);
        Assert.Contains("Agent:Token", error.Message);
    }

    [Fact]
    public void Defaults_follow_the_agentk_anchor()
    {
        using var host = Build(new Dictionary<string, string?> { ["Agent:GatewayUrl"] = "http://127.0.0.1:1", ["Agent:Token"] = "t" });

        var options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;

        Assert.Equal((2, 500, 10, TimeSpan.FromMinutes(1)),
            (options.Tunnels.MinIdle, options.Tunnels.MaxTotal, options.Tunnels.ScaleUpStep, options.Tunnels.MaxIdleTime));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), 1.6, 0.2, TimeSpan.FromSeconds(25)),
            (options.Reconnect.InitialBackoff, options.Reconnect.MaxBackoff, options.Reconnect.Factor, options.Reconnect.Jitter, options.Reconnect.ResetAfter));
        Assert.Equal("https://kubernetes.default.svc", options.Upstream.Url);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlivePingInterval);
        Assert.Equal("http://0.0.0.0:8080", options.ObservabilityUrl);
        Assert.False(string.IsNullOrEmpty(options.InstanceId));
    }

    [Fact]
    public void Empty_observability_url_disables_the_listener()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Agent:GatewayUrl"] = "http://127.0.0.1:1",
            ["Agent:Token"] = "t",
            ["Agent:ObservabilityUrl"] = "",
        });

        Assert.Equal("", host.Services.GetRequiredService<IOptionsMonitor<AgentOptions>>().CurrentValue.ObservabilityUrl);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddAgentK(builder.Configuration);
        return builder.Build();
    }
}
