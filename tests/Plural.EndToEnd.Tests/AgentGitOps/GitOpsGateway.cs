using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plural.Protocol.Agent;

namespace Plural.EndToEnd.Tests.AgentGitOps;

/// <summary>
/// Stands in for the server side of GitOps at the wire: a gateway on a loopback socket that welcomes an AgentK
/// process, accepts what it declares, sends the current configuration and every target's newest sync after each
/// welcome (as the real server does) and whenever the test publishes a new one, and keeps what the agent reports.
/// </summary>
internal sealed class GitOpsGateway : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ManifestSync> _targets = new(StringComparer.Ordinal);
    private readonly List<SerializedWriter> _sessions = [];
    private WebApplication _app = null!;
    private AgentConfig? _config;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<Hello> Hellos { get; } = new();

    public ConcurrentQueue<ManifestSyncReport> Reports { get; } = new();

    public ConcurrentQueue<AgentConfigApplied> ConfigsApplied { get; } = new();

    public static async Task<GitOpsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var gateway = new GitOpsGateway();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<Service>();
        gateway._app = app;
        await app.StartAsync();
        gateway.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return gateway;
    }

    public Task PublishAsync(AgentConfig config)
    {
        lock (_gate)
        {
            _config = config;
        }

        return BroadcastAsync(new GatewayMessage { Config = config });
    }

    public Task PublishAsync(ManifestSync sync)
    {
        lock (_gate)
        {
            _targets[sync.Target] = sync;
        }

        return BroadcastAsync(new GatewayMessage { ManifestSync = sync });
    }

    private async Task BroadcastAsync(GatewayMessage message)
    {
        SerializedWriter[] sessions;
        lock (_gate)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            try
            {
                await session.WriteAsync(message);
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or RpcException)
            {
                // The session ended meanwhile; the next one gets the newest state after its welcome.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }

    /// <summary>A session's downward stream; gRPC takes one write at a time and the test publishes from its own thread.</summary>
    private sealed class SerializedWriter(IServerStreamWriter<GatewayMessage> stream)
    {
        private readonly SemaphoreSlim _turn = new(1, 1);

        public async Task WriteAsync(GatewayMessage message)
        {
            await _turn.WaitAsync();
            try
            {
                await stream.WriteAsync(message);
            }
            finally
            {
                _turn.Release();
            }
        }
    }

    private sealed class Service(GitOpsGateway gateway) : AgentGateway.AgentGatewayBase
    {
        public override async Task Session(IAsyncStreamReader<AgentMessage> requests, IServerStreamWriter<GatewayMessage> responses, ServerCallContext context)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gateway._shutdown.Token);
            if (!await requests.MoveNext(cts.Token) || requests.Current.KindCase != AgentMessage.KindOneofCase.Hello)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "hello must come first"));
            }

            var hello = requests.Current.Hello;
            gateway.Hellos.Enqueue(hello);
            await responses.WriteAsync(new GatewayMessage
            {
                Welcome = new Welcome { AgentId = "agent-e2e", GatewayId = "gateway-e2e", HeartbeatIntervalMs = 1000, AcceptedCapabilities = { hello.Capabilities } },
            });
            List<GatewayMessage> state;
            var writer = new SerializedWriter(responses);
            lock (gateway._gate)
            {
                state = [.. gateway._config is { } config ? [new GatewayMessage { Config = config }] : Array.Empty<GatewayMessage>(),
                    .. gateway._targets.Values.Select(s => new GatewayMessage { ManifestSync = s })];
                gateway._sessions.Add(writer);
            }

            try
            {
                foreach (var message in state)
                {
                    await writer.WriteAsync(message);
                }

                while (await requests.MoveNext(cts.Token))
                {
                    switch (requests.Current.KindCase)
                    {
                        case AgentMessage.KindOneofCase.ManifestSyncReport:
                            gateway.Reports.Enqueue(requests.Current.ManifestSyncReport);
                            break;
                        case AgentMessage.KindOneofCase.ConfigApplied:
                            gateway.ConfigsApplied.Enqueue(requests.Current.ConfigApplied);
                            break;
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or RpcException or InvalidOperationException)
            {
            }
            finally
            {
                lock (gateway._gate)
                {
                    gateway._sessions.Remove(writer);
                }
            }
        }

        public override async Task Connect(IAsyncStreamReader<TunnelUp> requests, IServerStreamWriter<TunnelDown> responses, ServerCallContext context)
        {
            // Tunnel slots are parked: these tests send nothing through them.
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gateway._shutdown.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
