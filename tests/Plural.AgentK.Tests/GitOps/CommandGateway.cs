using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.GitOps;

/// <summary>
/// A gateway on a real loopback socket that accepts every capability the agent declares, lets the test send
/// commands down the open session, and keeps what the agent sends up.
/// </summary>
public sealed class CommandGateway : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private WebApplication _app = null!;
    private IServerStreamWriter<GatewayMessage>? _session;
    private TaskCompletionSource _sessionOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Address { get; private set; } = null!;

    public Hello? Hello { get; private set; }

    public ConcurrentQueue<ManifestSyncReport> Reports { get; } = new();

    public ConcurrentQueue<AgentConfigApplied> ConfigsApplied { get; } = new();

    /// <summary>The newest heartbeat the agent sent, with its health conditions.</summary>
    public Heartbeat? LastHeartbeat { get; private set; }

    /// <summary>Commands sent at the start of every session, after the welcome (as the real gateway re-sends config and syncs).</summary>
    public List<GatewayMessage> OnWelcome { get; } = [];

    public static async Task<CommandGateway> StartAsync()
    {
        var builder = LoopbackServer.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var gateway = new CommandGateway();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<Service>();
        gateway._app = app;
        gateway.Address = await LoopbackServer.StartAsync(app);
        return gateway;
    }

    /// <summary>Sends a command down the open session, waiting for one to open first.</summary>
    public async Task SendAsync(GatewayMessage command)
    {
        await _sessionOpened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _session!.WriteAsync(command);
    }

    public Task SendAsync(ManifestSync sync) => SendAsync(new GatewayMessage { ManifestSync = sync });

    public Task SendAsync(AgentConfig config) => SendAsync(new GatewayMessage { Config = config });

    /// <summary>The first report after <paramref name="skip"/> reports that satisfies <paramref name="match"/>.</summary>
    public async Task<ManifestSyncReport> ReportAsync(Func<ManifestSyncReport, bool> match, TimeSpan timeout, int skip = 0)
    {
        ManifestSyncReport? found = null;
        await Eventually.HoldsAsync(() => (found = Reports.Skip(skip).FirstOrDefault(match)) is not null, timeout,
            "a matching sync report; seen: " + string.Join(" | ", Reports.Select(r => $"{r.Target}@{r.Commit} reapply={r.Reapply} [{string.Join(", ", r.Objects.Select(o => $"{o.Kind}/{o.Name}:{o.State}"))}]")));
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }

    private sealed class Service(CommandGateway gateway) : AgentGateway.AgentGatewayBase
    {
        public override async Task Session(IAsyncStreamReader<AgentMessage> requests, IServerStreamWriter<GatewayMessage> responses, ServerCallContext context)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, gateway._shutdown.Token);
            if (!await requests.MoveNext(cts.Token) || requests.Current.KindCase != AgentMessage.KindOneofCase.Hello)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "hello must come first"));
            }

            gateway.Hello = requests.Current.Hello;
            await responses.WriteAsync(new GatewayMessage
            {
                Welcome = new Welcome { AgentId = "agent-42", GatewayId = "gateway-1", HeartbeatIntervalMs = 1000, AcceptedCapabilities = { gateway.Hello.Capabilities } },
            });
            foreach (var command in gateway.OnWelcome)
            {
                await responses.WriteAsync(command);
            }

            gateway._session = responses;
            gateway._sessionOpened.TrySetResult();
            try
            {
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
                        case AgentMessage.KindOneofCase.Heartbeat:
                            gateway.LastHeartbeat = requests.Current.Heartbeat;
                            break;
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or RpcException)
            {
            }
            finally
            {
                gateway._sessionOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
                gateway._session = null;
            }
        }

        public override async Task Connect(IAsyncStreamReader<TunnelUp> requests, IServerStreamWriter<TunnelDown> responses, ServerCallContext context)
        {
            // Tunnel slots are parked until the agent or the gateway goes away; these tests send no requests through them.
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
