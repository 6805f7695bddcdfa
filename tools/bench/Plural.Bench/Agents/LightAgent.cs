using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Plural.Protocol.Agent;

namespace Plural.Bench.Agents;

/// <summary>
/// A simulated agent that speaks the real agent protocol and nothing more: its own HTTP/2 connection,
/// a session (hello, welcome, heartbeats at the interval the gateway asks for) and a pool of idle
/// <c>Connect</c> streams. A request that arrives on a tunnel is answered from memory with a small
/// body, so what is measured is the gateway, not an upstream. Thousands live in one process.
/// </summary>
public sealed class LightAgent : IAsyncDisposable
{
    private static readonly Hello HelloTemplate = new() { AgentVersion = "bench-light/1", Capabilities = { "tunnel.http.v1", TunnelsWanted.OnDemandCapability } };
    private readonly string _token;
    private readonly int _tunnels;
    private readonly ByteString _answer;
    private readonly GrpcChannel _channel;
    private readonly AgentGateway.AgentGatewayClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private int _readyTunnels;
    private readonly TaskCompletionSource _allReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An agent named <paramref name="name"/> that will dial <paramref name="gateway"/> with <paramref name="token"/>.</summary>
    public LightAgent(string name, string token, Uri gateway, int tunnels, ByteString answer)
    {
        Name = name;
        _token = token;
        _tunnels = tunnels;
        _answer = answer;
        // One connection per agent, as AgentK does, with its keepalive settings.
        _channel = GrpcChannel.ForAddress(gateway, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            },
        });
        _client = new AgentGateway.AgentGatewayClient(_channel);
    }

    /// <summary>The agent's registered name.</summary>
    public string Name { get; }

    /// <summary>Requests this agent answered.</summary>
    public int Served;

    /// <summary>Tunnel streams that failed to open or broke (each is retried).</summary>
    public int TunnelFailures;

    /// <summary>Why the last tunnel stream broke, for the report.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>True while the session is open.</summary>
    public bool Connected { get; private set; }

    private Metadata Bearer => new() { { "authorization", "Bearer " + _token } };

    /// <summary>Opens the session, waits for the welcome, opens the tunnels and waits until each has announced itself.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var session = _client.Session(Bearer, cancellationToken: _stop.Token);
        var hello = HelloTemplate.Clone();
        hello.InstanceId = Name + "-light";
        await session.RequestStream.WriteAsync(new AgentMessage { Hello = hello }, ct);
        if (!await session.ResponseStream.MoveNext(ct) || session.ResponseStream.Current.KindCase != GatewayMessage.KindOneofCase.Welcome)
        {
            throw new InvalidOperationException($"agent {Name}: the gateway did not welcome the session");
        }

        Connected = true;
        var interval = TimeSpan.FromMilliseconds(Math.Max(1000, session.ResponseStream.Current.Welcome.HeartbeatIntervalMs));
        lock (_loops)
        {
            _loops.Add(SessionLoopAsync(session, interval));
            for (var i = 0; i < _tunnels; i++)
            {
                _loops.Add(TunnelLoopAsync());
            }
        }

        if (_tunnels == 0)
        {
            // A quiet agent whose gateway opens tunnels on demand holds none.
            _allReady.TrySetResult();
        }

        await _allReady.Task.WaitAsync(ct);
    }

    private async Task SessionLoopAsync(AsyncDuplexStreamingCall<AgentMessage, GatewayMessage> session, TimeSpan interval)
    {
        using var call = session;
        var reading = DrainAsync(session.ResponseStream);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token) && !reading.IsCompleted)
            {
                await session.RequestStream.WriteAsync(new AgentMessage
                {
                    Heartbeat = new Heartbeat { IdleTunnels = _tunnels },
                }, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // Stopped, or the gateway ended the session.
        }
        finally
        {
            Connected = false;
        }
    }

    private async Task DrainAsync(IAsyncStreamReader<GatewayMessage> messages)
    {
        try
        {
            while (await messages.MoveNext(_stop.Token))
            {
                if (messages.Current.KindCase == GatewayMessage.KindOneofCase.TunnelsWanted)
                {
                    // A quiet light agent (no idle tunnel) opens one when its gateway has a request for it, and keeps it.
                    lock (_loops)
                    {
                        _loops.Add(TunnelLoopAsync());
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
        }

        Connected = false;
    }

    private async Task TunnelLoopAsync()
    {
        var announced = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = _client.Connect(Bearer, cancellationToken: _stop.Token);
                await call.RequestStream.WriteAsync(new TunnelUp { Ready = new TunnelReady { InstanceId = Name + "-light" } }, _stop.Token);
                if (!announced)
                {
                    announced = true;
                    if (Interlocked.Increment(ref _readyTunnels) == _tunnels)
                    {
                        _allReady.TrySetResult();
                    }
                }

                if (await call.ResponseStream.MoveNext(_stop.Token) && call.ResponseStream.Current.FrameCase == TunnelDown.FrameOneofCase.RequestHead)
                {
                    await AnswerAsync(call);
                }
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException && !_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref TunnelFailures);
                LastFailure = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{ex.GetType().Name}: {ex.Message}";
                await Task.Delay(TimeSpan.FromMilliseconds(500 + Random.Shared.Next(500)), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    private async Task AnswerAsync(AsyncDuplexStreamingCall<TunnelUp, TunnelDown> call)
    {
        // The request's body frames, if any, end with 'end'; a 'cancel' means the caller left.
        while (await call.ResponseStream.MoveNext(_stop.Token))
        {
            var frame = call.ResponseStream.Current.FrameCase;
            if (frame == TunnelDown.FrameOneofCase.Cancel)
            {
                return;
            }

            if (frame == TunnelDown.FrameOneofCase.End)
            {
                break;
            }
        }

        await call.RequestStream.WriteAsync(new TunnelUp
        {
            ResponseHead = new ResponseHead
            {
                Status = 200,
                Headers = { new HeaderField { Name = "Content-Type", Values = { "application/json" } } },
            },
        }, _stop.Token);
        await call.RequestStream.WriteAsync(new TunnelUp { Body = new BodyChunk { Data = _answer } }, _stop.Token);
        await call.RequestStream.WriteAsync(new TunnelUp { End = new ResponseEnd() }, _stop.Token);
        await call.RequestStream.CompleteAsync();
        Interlocked.Increment(ref Served);
        while (await call.ResponseStream.MoveNext(_stop.Token))
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            Task[] loops;
            lock (_loops)
            {
                loops = [.. _loops];
            }

            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or RpcException)
        {
            // Going away regardless.
        }

        _channel.Dispose();
        _stop.Dispose();
    }
}
