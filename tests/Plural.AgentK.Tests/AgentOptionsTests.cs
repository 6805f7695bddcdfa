using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK.Connection;
using Plural.AgentK.Observability;
using Plural.AgentK.Transport;
using Plural.AgentK.Tunnels;
using Plural.AgentK.Upstream;

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

    [Theory(Timeout = 30_000)]
    [InlineData("Agent:KeepAlivePingInterval", "00:00:00")]
    [InlineData("Agent:Reconnect:Factor", "0.5")]
    [InlineData("Agent:Upstream:Url", "ftp://kubernetes")]
    [InlineData("Agent:Tunnels:MinIdle", "0")]
    [InlineData("Agent:Tunnels:QuietMinIdle", "3")]
    [InlineData("Agent:Tunnels:QuietMinIdle", "-1")]
    [InlineData("Agent:Http2StreamWindowBytes", "1000")]
    [InlineData("Agent:Cache:Kinds:0", "widgets")]
    [InlineData("Agent:Events:MaxBatchSize", "0")]
    [InlineData("Agent:Views:RefreshInterval", "00:00:00")]
    [InlineData("Agent:GitOps:RequestTimeout", "00:00:00")]
    [InlineData("Agent:ObservabilityUrl", "ftp://0.0.0.0:8080")]
    [InlineData("Agent:ShutdownGracePeriod", "-00:00:01")]
    public async Task Start_fails_naming_an_invalid_key_of_any_part_of_the_agent(string key, string value)
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Agent:GatewayUrl"] = "http://127.0.0.1:1",
            ["Agent:Token"] = "t",
            ["Agent:ObservabilityUrl"] = "",
            [key] = value,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key.Replace(":0", ""), error.Message);
    }

    [Fact]
    public void Defaults_follow_the_agentk_anchor()
    {
        using var host = Build(new Dictionary<string, string?> { ["Agent:GatewayUrl"] = "http://127.0.0.1:1", ["Agent:Token"] = "t" });

        var tunnels = host.Services.GetRequiredService<IOptions<TunnelPoolOptions>>().Value;
        var reconnect = host.Services.GetRequiredService<IOptions<ReconnectOptions>>().Value;
        var gateway = host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal((2, 0, 500, 10, TimeSpan.FromMinutes(1)),
            (tunnels.MinIdle, tunnels.QuietMinIdle, tunnels.MaxTotal, tunnels.ScaleUpStep, tunnels.MaxIdleTime));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), 1.6, 0.2, TimeSpan.FromSeconds(25)),
            (reconnect.InitialBackoff, reconnect.MaxBackoff, reconnect.Factor, reconnect.Jitter, reconnect.ResetAfter));
        Assert.Equal("https://kubernetes.default.svc", host.Services.GetRequiredService<IOptions<UpstreamOptions>>().Value.Url);
        Assert.Equal(TimeSpan.FromSeconds(10), host.Services.GetRequiredService<IOptions<ConnectionOptions>>().Value.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), gateway.KeepAlivePingInterval);
        Assert.Equal("http://0.0.0.0:8080", host.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value.ObservabilityUrl);
        Assert.False(string.IsNullOrEmpty(gateway.InstanceId));
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

        Assert.Equal("", host.Services.GetRequiredService<IOptionsMonitor<ObservabilityOptions>>().CurrentValue.ObservabilityUrl);
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
