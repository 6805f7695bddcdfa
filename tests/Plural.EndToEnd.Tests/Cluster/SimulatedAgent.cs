using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>
/// A lightweight agent speaking the real gRPC protocol: a session with heartbeats and a few tunnel slots that
/// answer cached queries with a fixed pod count. A frozen agent stays connected but never answers a request.
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AgentGateway.AgentGatewayClient _client;
    private readonly Metadata _bearer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private AsyncDuplexStreamingCall<AgentMessage, GatewayMessage>? _session;

    private SimulatedAgent(RegisteredAgent agent, Uri gateway, int pods)
    {
        Agent = agent;
        Pods = pods;
        _channel = GrpcChannel.ForAddress(gateway);
        _client = new AgentGateway.AgentGatewayClient(_channel);
        _bearer = RawAgent.Bearer(agent.Token);
    }

    public RegisteredAgent Agent { get; }

    /// <summary>The agent's registered name.</summary>
    public string Name => Agent.Name;

    /// <summary>The count every cached query gets.</summary>
    public int Pods { get; }

    /// <summary>Requests taken but never answered.</summary>
    public bool Frozen { get; set; }

    public static async Task<SimulatedAgent> ConnectAsync(RegisteredAgent agent, Uri gateway, int pods, int tunnels = 2)
    {
        var simulated = new SimulatedAgent(agent, gateway, pods);
        await simulated.OpenSessionAsync();
        for (var i = 0; i < tunnels; i++)
        {
            simulated._loops.Add(Task.Run(simulated.ServeTunnelsAsync));
        }

        return simulated;
    }

    private string InstanceId => Agent.Name + "-sim";

    private async Task OpenSessionAsync()
    {
        _session = _client.Session(_bearer, cancellationToken: _stop.Token);
        await _session.RequestStream.WriteAsync(new AgentMessage
        {
            Hello = new Hello { AgentVersion = "simulated", InstanceId = InstanceId, Capabilities = { "tunnel.http.v1", "cache.query.v1" } },
        });
        if (!await _session.ResponseStream.MoveNext(_stop.Token) || _session.ResponseStream.Current.KindCase != GatewayMessage.KindOneofCase.Welcome)
        {
            throw new InvalidOperationException($"{Agent.Name} was not welcomed");
        }

        var interval = TimeSpan.FromMilliseconds(Math.Max(100, _session.ResponseStream.Current.Welcome.HeartbeatIntervalMs));
        _loops.Add(Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _session.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { IdleTunnels = 2 } });
            }
        }));
    }

    private async Task ServeTunnelsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = _client.Connect(_bearer, cancellationToken: _stop.Token);
                await call.RequestStream.WriteAsync(new TunnelUp { Ready = new TunnelReady { InstanceId = InstanceId } });
                RequestHead? head = null;
                while (await call.ResponseStream.MoveNext(_stop.Token))
                {
                    var frame = call.ResponseStream.Current;
                    if (frame.FrameCase == TunnelDown.FrameOneofCase.RequestHead)
                    {
                        head = frame.RequestHead;
                    }
                    else if (frame.FrameCase == TunnelDown.FrameOneofCase.End)
                    {
                        break;
                    }
                }

                if (head is null)
                {
                    continue;
                }

                if (Frozen)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                await AnswerAsync(call.RequestStream);
                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext(_stop.Token))
                {
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
            {
                if (!_stop.IsCancellationRequested)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private async Task AnswerAsync(IClientStreamWriter<TunnelUp> up)
    {
        var result = new CacheQueryResult { Kind = "Pod", Count = Pods, Complete = true };
        await up.WriteAsync(new TunnelUp
        {
            ResponseHead = new ResponseHead
            {
                Status = 200,
                Headers = { new HeaderField { Name = "Content-Type", Values = { "application/x-protobuf" } } },
            },
        });
        await up.WriteAsync(new TunnelUp { Body = new BodyChunk { Data = result.ToByteString() } });
        await up.WriteAsync(new TunnelUp { End = new ResponseEnd() });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or TimeoutException or IOException)
        {
        }

        _session?.Dispose();
        _channel.Dispose();
        _stop.Dispose();
    }
}
