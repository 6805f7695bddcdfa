using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Listeners;
using Plural.Gateway.Operations;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Tests.Operations;

/// <summary>What the probes and the drain route answer, over real HTTP.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private const string AdminSecret = "admin-token-0123456789";
    private readonly GrainStubs _grains = new();
    private readonly SessionRegistry _sessions = new();
    private readonly RecordingLifetime _drainLifetime = new();
    private readonly CancellationTokenSource _stopDrain = new();
    private GatewayDrain _drain = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private readonly FakeTimeProvider _clock = new();
    private Func<Task<string>> _ping = () => Task.FromResult("127.0.0.1:11111@1");

    public async Task InitializeAsync()
    {
        _grains.On<IClusterPingGrain>("Ping", (_, _) => _ping());
        // The drain's own stop request goes to a recording lifetime, so that asking for a drain does not end this host.
        _drain = TestDrains.Over(_sessions, new InFlightRequests(), new DrainOptions { ReadinessDelay = TimeSpan.FromMinutes(10) }, _drainLifetime);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(_grains.Factory);
        builder.Services.AddSingleton(_drain);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<ClusterReachability>();
        builder.Services.AddSingleton(new AdminCredentials(Options.Create(new GatewayOptions { AdminToken = AdminSecret }), TimeProvider.System, NullLogger<AdminCredentials>.Instance));
        _app = builder.Build();
        _app.MapHealth();
        _app.MapDrain();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        await _stopDrain.CancelAsync();
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Healthz_answers_ok_whatever_the_cluster_does()
    {
        _ping = () => Task.FromException<string>(new TimeoutException());

        using var response = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_is_ready_when_listening_and_the_cluster_answers()
    {
        using var response = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_is_unavailable_while_the_cluster_does_not_answer()
    {
        _ping = () => Task.FromException<string>(new TimeoutException());

        using var response = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("orleans cluster unreachable: TimeoutException", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_stays_ready_for_twenty_seconds_after_the_cluster_last_answered_then_turns_unavailable()
    {
        using (await _client.GetAsync("/readyz"))
        {
        }

        _ping = () => Task.FromException<string>(new TimeoutException());
        _clock.Advance(TimeSpan.FromSeconds(19));
        using var soonAfter = await _client.GetAsync("/readyz");
        _clock.Advance(TimeSpan.FromSeconds(2));
        using var later = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, soonAfter.StatusCode);
        Assert.StartsWith("ready (the orleans cluster answered 19.0 s ago)", await soonAfter.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, later.StatusCode);
        Assert.Equal("orleans cluster unreachable: TimeoutException", await later.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_is_unavailable_as_soon_as_the_drain_begins()
    {
        RecordingSession.Open(_sessions);
        _ = _drain.StoppingAsync(_stopDrain.Token);

        using var response = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("draining", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(_grains.Calls, c => c.Method == "List");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    public async Task The_drain_route_needs_the_admin_token(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DrainEndpoint.Path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(_drainLifetime.StopRequested);
    }

    [Fact]
    public async Task The_drain_route_starts_a_drain_and_says_whether_one_was_already_running()
    {
        var first = await DrainAsync();
        Assert.True(_drainLifetime.StopRequested);
        Assert.True(first.GetProperty("draining").GetBoolean());
        Assert.False(first.GetProperty("alreadyDraining").GetBoolean());

        RecordingSession.Open(_sessions);
        _ = _drain.StoppingAsync(_stopDrain.Token);
        var second = await DrainAsync();
        Assert.True(second.GetProperty("alreadyDraining").GetBoolean());
    }

    private async Task<JsonElement> DrainAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DrainEndpoint.Path);
        request.Headers.Authorization = new("Bearer", AdminSecret);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
