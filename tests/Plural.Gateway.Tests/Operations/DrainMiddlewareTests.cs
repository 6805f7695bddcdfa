using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;
using Plural.Gateway.Operations;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Operations;

/// <summary>Which requests a draining gateway still takes, and which count as in flight.</summary>
public sealed class DrainMiddlewareTests
{
    private static readonly string Session = $"/{AgentGateway.Descriptor.FullName}/Session";
    private static readonly string Connect = $"/{AgentGateway.Descriptor.FullName}/Connect";
    private readonly SessionRegistry _sessions = new();
    private readonly InFlightRequests _inFlight = new();
    private readonly DrainOptions _options = new() { ReadinessDelay = TimeSpan.FromMinutes(10), Timeout = TimeSpan.FromMinutes(10) };
    private readonly GatewayDrain _drain;
    private readonly CancellationTokenSource _stop = new();
    private Task _draining = Task.CompletedTask;

    public DrainMiddlewareTests() =>
        _drain = TestDrains.Over(_sessions, _inFlight, _options);

    [Theory]
    [InlineData(nameof(DrainPhase.Serving), "Session", true)]
    [InlineData(nameof(DrainPhase.Serving), "Connect", true)]
    [InlineData(nameof(DrainPhase.Announced), "Session", false)]
    [InlineData(nameof(DrainPhase.Announced), "Connect", true)]
    [InlineData(nameof(DrainPhase.HandingOver), "Session", false)]
    [InlineData(nameof(DrainPhase.HandingOver), "Connect", false)]
    public async Task Agent_streams_are_refused_as_unavailable_by_phase(string phase, string method, bool accepted)
    {
        // The phase is named, not typed: the drain's types are internal to the gateway.
        await EnterAsync(Enum.Parse<DrainPhase>(phase));
        var context = Request(method == "Session" ? Session : Connect);
        var reached = false;

        await Middleware(_ => { reached = true; return Task.CompletedTask; }).InvokeAsync(context);

        Assert.Equal(accepted, reached);
        if (!accepted)
        {
            Assert.Equal("application/grpc", context.Response.ContentType);
            Assert.Equal("14", context.Response.Headers["grpc-status"]);
        }

        await LeaveAsync();
    }

    [Fact]
    public async Task Other_requests_count_as_in_flight_while_they_run_even_when_draining()
    {
        await EnterAsync(DrainPhase.HandingOver);
        var during = -1;

        await Middleware(_ => { during = _inFlight.Count; return Task.CompletedTask; }).InvokeAsync(Request("/k8s-proxy/prod/api"));

        Assert.Equal(1, during);
        await LeaveAsync();
        Assert.Equal(0, _inFlight.Count);
    }

    [Fact]
    public async Task A_request_that_fails_leaves_the_in_flight_count()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Middleware(_ => throw new InvalidOperationException()).InvokeAsync(Request("/cable")));

        Assert.Equal(0, _inFlight.Count);
    }

    [Fact]
    public async Task Agent_streams_are_not_counted_in_flight()
    {
        var during = -1;

        await Middleware(_ => { during = _inFlight.Count; return Task.CompletedTask; }).InvokeAsync(Request(Connect));

        Assert.Equal(0, during);
    }

    private static DefaultHttpContext Request(string path) => new() { Request = { Path = path } };

    private DrainMiddleware Middleware(RequestDelegate next) => new(next, _drain, _inFlight);

    /// <summary>Runs the drain up to <paramref name="phase"/>, held there by an open session.</summary>
    private async Task EnterAsync(DrainPhase phase)
    {
        if (phase == DrainPhase.Serving)
        {
            return;
        }

        RecordingSession.Open(_sessions);
        _options.ReadinessDelay = phase == DrainPhase.Announced ? TimeSpan.FromMinutes(10) : TimeSpan.Zero;
        _draining = _drain.StoppingAsync(_stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_drain.Phase != phase)
        {
            Assert.True(DateTime.UtcNow < deadline, $"drain never reached {phase}");
            await Task.Delay(5);
        }
    }

    private async Task LeaveAsync()
    {
        await _stop.CancelAsync();
        await _draining.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
