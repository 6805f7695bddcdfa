using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// An agent closes an idle tunnel (ends its side with no frame) just as the gateway hands it a request. The request
/// never reached the agent: without a body it goes over another tunnel, a bounded number of times.
/// </summary>
public sealed class ClosedTunnelRetryTests : IAsyncLifetime
{
    private const string Agent = "retry-agent";
    private readonly TunnelRegistry _registry = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        // Every request finds an idle tunnel here, so neither the grains nor peer gateways are ever asked.
        var forwarder = new TunnelForwarder(_registry, null!, null!, new ForwardedRequestIntake(), new GatewayIdentity("gateway-under-test", "http://127.0.0.1:1"),
            Options.Create(new TunnelOptions()),
            new AgentTunnelLimiter(Options.Create(new TunnelLimitOptions())), new TunnelDemand(TimeProvider.System, NullLogger<TunnelDemand>.Instance),
            NullLogger<TunnelForwarder>.Instance);
        _app.MapMethods("/x", ["GET", "POST"], context => forwarder.ForwardAsync(context, new TunnelRoute(Agent, "/x")));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_request_without_a_body_goes_over_another_tunnel_when_the_agent_closed_the_first()
    {
        var answering = Park(FakeAgentStream.Answering("served"));
        var closing = Park(FakeAgentStream.Closing()); // parked last: taken first

        using var response = await _client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("served", await response.Content.ReadAsStringAsync());
        Assert.True(closing.SawRequest);
        Assert.True(answering.SawRequest);
    }

    [Fact]
    public async Task A_request_with_a_body_is_not_sent_again()
    {
        var answering = Park(FakeAgentStream.Answering("served"));
        Park(FakeAgentStream.Closing());

        using var response = await _client.PostAsync("/x", new StringContent("once only"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False(answering.SawRequest);
    }

    [Fact]
    public async Task The_caller_gets_502_after_three_tunnels_closed_in_a_row()
    {
        var answering = Park(FakeAgentStream.Answering("served"));
        var closing = Enumerable.Range(0, TunnelForwarder.MaxTunnelAttempts).Select(_ => Park(FakeAgentStream.Closing())).ToList();

        using var response = await _client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.All(closing, c => Assert.True(c.SawRequest));
        Assert.False(answering.SawRequest);
    }

    private FakeAgentStream Park(FakeAgentStream stream)
    {
        _registry.Offer(new AgentTunnel(new AgentIdentity(Agent, "token-id", "token-hash"), "instance", stream, stream, CancellationToken.None));
        return stream;
    }

    /// <summary>
    /// The agent's side of one tunnel stream: silent until a request head arrives, then either the scripted answer
    /// or, for a tunnel the agent was closing, the end of the stream with no frame.
    /// </summary>
    private sealed class FakeAgentStream(IReadOnlyList<TunnelUp> answer) : IAsyncStreamReader<TunnelUp>, IServerStreamWriter<TunnelDown>
    {
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _next = -1;

        public bool SawRequest => _requested.Task.IsCompleted;

        public TunnelUp Current => answer[_next];

        public WriteOptions? WriteOptions { get; set; }

        public static FakeAgentStream Closing() => new([]);

        public static FakeAgentStream Answering(string body) => new(
        [
            new TunnelUp { ResponseHead = new ResponseHead { Status = 200 } },
            new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFromUtf8(body) } },
            new TunnelUp { End = new ResponseEnd() },
        ]);

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            await _requested.Task.WaitAsync(cancellationToken);
            return ++_next < answer.Count;
        }

        public Task WriteAsync(TunnelDown message)
        {
            if (message.FrameCase == TunnelDown.FrameOneofCase.RequestHead)
            {
                _requested.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task WriteAsync(TunnelDown message, CancellationToken cancellationToken) => WriteAsync(message);
    }
}
