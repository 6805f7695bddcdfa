using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Gateway.Proxy;
using Plural.Gateway.Tunnels;
using Plural.Gateway.Tunnels.Peers;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>
/// The gateway's two proxy routes on a real Kestrel listener, with their real steps and services; only the cluster
/// is missing (<see cref="FakeGrains"/>) and agents are <see cref="FakeAgent"/> streams parked in the real registry.
/// </summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    public const string AdminToken = "admin-token-for-tests";
    private const string JwtSecret = "proxy-tests-secret-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly string _secretFile;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    private ProxyHost(WebApplication app, string secretFile, HttpClient client, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        _secretFile = secretFile;
        Client = client;
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _meters.Start();
    }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    public TunnelRegistry Tunnels => _app.Services.GetRequiredService<TunnelRegistry>();

    public AuditTrail AuditTrail => _app.Services.GetRequiredService<AuditTrail>();

    /// <summary>The address of the listener, for tests that speak raw HTTP/1.1 (a switch of protocols).</summary>
    public Uri Address => Client.BaseAddress!;

    /// <summary>The audit trail as written to the log.</summary>
    public IReadOnlyList<CapturedLogs.Entry> Audited => Logs.WithEventId(4301);

    /// <summary>Requests counted by <c>plural_gateway_tunnel_requests</c>, as (route, status).</summary>
    public IReadOnlyList<(string Route, int Status)> Measured =>
        [.. _measurements.Where(m => m.Instrument == GatewayMetrics.TunnelRequests).Select(m => ((string)m.Tags["route"]!, (int)m.Tags["status"]!))];

    /// <summary>Body bytes counted by <c>plural_gateway_tunnel_bytes</c> in <paramref name="direction"/>.</summary>
    public long MeasuredBytes(string direction) =>
        _measurements.Where(m => m.Instrument == GatewayMetrics.TunnelBytes && (string)m.Tags["direction"]! == direction).Sum(m => m.Value);

    public static async Task<ProxyHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, JwtSecret);
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AccessOptions.Section}:{nameof(AccessOptions.JwtSecretFiles)}:0"] = secretFile,
            [$"{ProxyLimitOptions.Section}:{nameof(ProxyLimitOptions.MaxConcurrentRequestsPerAgent)}"] = "1",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(FakeGrains.Create());
        services.Configure<GatewayOptions>(o => o.AdminToken = AdminToken);
        services.AddSingleton(new GatewayIdentity("gateway-under-test", "http://127.0.0.1:1"));
        services.AddSingleton<GatewayMetrics>();
        services.AddUserAccess();
        services.AddOptions<AuditOptions>();
        services.AddSingleton<AuditExportQueue>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<TunnelRegistry>();
        services.AddSingleton<PeerCredentials>();
        // Every request finds a parked tunnel (or the agent is unknown), so peer gateways are never asked.
        services.AddSingleton(sp => new TunnelForwarder(sp.GetRequiredService<TunnelRegistry>(), null!,
            new AgentLocations(sp.GetRequiredService<IGrainFactory>(), new AgentListingMirror(TimeProvider.System), Options.Create(new TunnelOptions()), Options.Create(new GrainReadOptions()),
                TimeProvider.System, NullLogger<AgentLocations>.Instance),
            new ForwardedRequestIntake(), sp.GetRequiredService<GatewayIdentity>(), Options.Create(new TunnelOptions()),
            new AgentTunnelLimiter(Options.Create(new TunnelLimitOptions())), new TunnelDemand(TimeProvider.System, NullLogger<TunnelDemand>.Instance),
            NullLogger<TunnelForwarder>.Instance));
        services.AddProxy();
        var app = builder.Build();
        app.MapKubernetesProxy();
        app.MapAgentProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new ProxyHost(app, secretFile, client, logs);
    }

    public FakeAgent Park(string agent, FakeAgent stream)
    {
        Tunnels.Offer(new AgentTunnel(new AgentIdentity(agent, "token-id", "token-hash"), "instance", stream, stream, CancellationToken.None));
        return stream;
    }

    /// <summary>A main-application JWT for <paramref name="user"/> that reaches only <paramref name="agents"/>.</summary>
    public static string Jwt(string user, params string[] agents)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "plural", ["aud"] = "plural-gateway", ["sub"] = user, ["iat"] = now, ["exp"] = now + 300, ["groups"] = Array.Empty<string>(), ["agents"] = agents,
        };
        var unsigned = Encode(new { alg = "HS256", typ = "JWT" }) + "." + Encode(claims);
        return unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JwtSecret), Encoding.ASCII.GetBytes(unsigned)));
    }

    /// <summary>Waits until <paramref name="condition"/> holds: the gateway records a request after its caller has the answer.</summary>
    public static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition(); await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        Client.Dispose();
        await _app.DisposeAsync();
        File.Delete(_secretFile);
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));

    private sealed record Measurement(string Instrument, long Value, Dictionary<string, object?> Tags);
}
