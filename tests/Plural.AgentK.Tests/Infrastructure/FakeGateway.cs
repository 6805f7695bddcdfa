using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>
/// An in-process gateway on a real socket (HTTP/2, in clear text or over TLS): checks the token, welcomes sessions,
/// records heartbeats, and parks tunnel slots for the test to send requests down.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    public const string ValidToken = "agent-token";

    private WebApplication _app = null!;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Channel<FakeTunnelSlot> _idleSlots = Channel.CreateUnbounded<FakeTunnelSlot>();
    private int _openSlots;

    private FakeGateway(string gatewayId) => GatewayId = gatewayId;

    public string GatewayId { get; }

    public string AcceptedToken { get; set; } = ValidToken;

    /// <summary>When set, every call is refused with this status (after the token check).</summary>
    public StatusCode? RefuseWith { get; set; }

    /// <summary>When set, tunnel streams (not sessions) are refused with this status.</summary>
    public StatusCode? RefuseTunnelsWith { get; set; }

    public int HeartbeatIntervalMs { get; set; } = 100;

    /// <summary>Accept <c>tunnel.on_demand.v1</c> in the welcome: the test asks for tunnels itself.</summary>
    public bool AsksForTunnels { get; set; }

    private int _connectAttempts;

    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    public Uri Address { get; private set; } = null!;

    public int Port => Address.Port;

    public ConcurrentQueue<DateTime> SessionAttempts { get; } = new();

    public ConcurrentQueue<FakeSession> Sessions { get; } = new();

    /// <summary>Slots whose call is still open, idle or in use.</summary>
    public int OpenSlots => Volatile.Read(ref _openSlots);

    public ConcurrentQueue<string> SlotConnectionIds { get; } = new();

    private int _tlsHandshakes;

    /// <summary>TLS handshakes the agent started (also the refused ones); HTTPS gateways only.</summary>
    public int TlsHandshakes => Volatile.Read(ref _tlsHandshakes);

    /// <param name="port">0 for a free port.</param>
    /// <param name="gatewayId">The gateway's name in its welcome.</param>
    /// <param name="certificate">With a certificate (and its key) the gateway serves HTTPS; without, HTTP/2 in clear text.</param>
    public static async Task<FakeGateway> StartAsync(int port = 0, string gatewayId = "gateway-1", X509Certificate2? certificate = null)
    {
        var builder = LoopbackServer.CreateBuilder();
        var gateway = new FakeGateway(gatewayId);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The agent puts all its tunnel streams on one connection; Kestrel's default of 100 is too few.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        OnAuthenticate = (_, _) => Interlocked.Increment(ref gateway._tlsHandshakes),
                    });
                }
            });
        });
        builder.Services.AddSingleton(gateway);
        builder.Services.AddGrpc();
        var app = builder.Build();
        gateway._app = app;
        app.MapGrpcService<FakeAgentGatewayService>();
        gateway.Address = await LoopbackServer.StartAsync(app);
        return gateway;
    }

    /// <summary>Takes the next idle slot the agent opened.</summary>
    public async Task<FakeTunnelSlot> TakeSlotAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var slot = await _idleSlots.Reader.ReadAsync(cts.Token);
            if (!slot.IsClosed && !slot.Aborted.IsCancellationRequested)
            {
                slot.Claim();
                return slot;
            }
        }
    }

    /// <summary>Sends a request down a slot and reads the whole answer.</summary>
    public async Task<TunnelResponse> ForwardAsync(RequestHead head, byte[]? body = null, TimeSpan? timeout = null)
    {
        var slot = await TakeSlotAsync(timeout);
        await slot.SendAsync(new TunnelDown { RequestHead = head });
        if (body is not null)
        {
            for (var offset = 0; offset < body.Length; offset += 16 * 1024)
            {
                var chunk = Google.Protobuf.ByteString.CopyFrom(body, offset, Math.Min(16 * 1024, body.Length - offset));
                await slot.SendAsync(new TunnelDown { Body = new BodyChunk { Data = chunk } });
            }
        }

        await slot.SendAsync(new TunnelDown { End = new RequestEnd() });
        var response = await slot.ReadResponseAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        slot.Finish();
        return response;
    }

    public async Task StopAsync()
    {
        await _shutdown.CancelAsync();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_shutdown.IsCancellationRequested)
        {
            await StopAsync();
        }

        await _app.DisposeAsync();
    }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    internal void Authorize(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header != $"Bearer {AcceptedToken}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown agent token"));
        }

        if (RefuseWith is { } status)
        {
            throw new RpcException(new Status(status, "refused by the test"));
        }
    }

    internal void AuthorizeTunnel(ServerCallContext context)
    {
        Interlocked.Increment(ref _connectAttempts);
        Authorize(context);
        if (RefuseTunnelsWith is { } status)
        {
            throw new RpcException(new Status(status, "tunnels refused by the test"));
        }
    }

    internal void SlotOpened(FakeTunnelSlot slot)
    {
        Interlocked.Increment(ref _openSlots);
        SlotConnectionIds.Enqueue(slot.ConnectionId);
        _idleSlots.Writer.TryWrite(slot);
    }

    internal void SlotClosed(FakeTunnelSlot slot)
    {
        slot.IsClosed = true;
        Interlocked.Decrement(ref _openSlots);
    }
}
