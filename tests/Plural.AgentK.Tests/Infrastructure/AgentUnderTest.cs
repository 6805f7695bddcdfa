using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.AgentK.Observability;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>The agent, hosted through <see cref="AgentKServiceCollectionExtensions.AddAgentK"/> in a generic host.</summary>
public sealed class AgentUnderTest : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private AgentUnderTest(IHost host, CapturedLogs logs)
    {
        _host = host;
        Logs = logs;
    }

    public CapturedLogs Logs { get; }

    internal AgentStatus Status => _host.Services.GetRequiredService<AgentStatus>();

    internal IServiceProvider Services => _host.Services;

    /// <summary>Settings small enough for tests; <paramref name="overrides"/> win.</summary>
    public static Dictionary<string, string?> Settings(Uri gateway, Uri? upstream) => new()
    {
        ["Agent:GatewayUrl"] = gateway.ToString(),
        ["Agent:Token"] = FakeGateway.ValidToken,
        ["Agent:InstanceId"] = "agent-under-test",
        // A closed port: requests fail unless a test supplies an upstream.
        ["Agent:Upstream:Url"] = upstream?.ToString().TrimEnd('/') ?? "http://127.0.0.1:9",
        ["Agent:Upstream:BearerTokenFile"] = "",
        ["Agent:Upstream:CaFile"] = "",
        ["Agent:ObservabilityUrl"] = "",
        ["Agent:Reconnect:InitialBackoff"] = "00:00:00.050",
        ["Agent:Reconnect:MaxBackoff"] = "00:00:00.400",
        ["Agent:Reconnect:Jitter"] = "0",
        ["Agent:Reconnect:ResetAfter"] = "00:00:01",
        ["Agent:ShutdownGracePeriod"] = "00:00:05",
        // Informers would add their own requests to what a test's upstream records; cache tests turn them on.
        ["Agent:Cache:Enabled"] = "false",
    };

    public static async Task<AgentUnderTest> StartAsync(
        FakeGateway gateway,
        FakeUpstream? upstream = null,
        Action<Dictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = Settings(gateway.Address, upstream?.Address);
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAgentK(builder.Configuration);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return new AgentUnderTest(host, logs);
    }

    public async Task StopAsync(TimeSpan? timeout = null)
    {
        _stopped = true;
        await _host.StopAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        _host.Dispose();
    }
}
