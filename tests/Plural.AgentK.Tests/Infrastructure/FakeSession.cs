using System.Collections.Concurrent;
using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>A session as the fake gateway saw it.</summary>
public sealed class FakeSession(Hello hello, string connectionId, IServerStreamWriter<GatewayMessage> commands)
{
    public Hello Hello { get; } = hello;

    /// <summary>The HTTP/2 connection the session arrived on.</summary>
    public string ConnectionId { get; } = connectionId;

    public ConcurrentQueue<Heartbeat> Heartbeats { get; } = new();

    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task SendTunnelsWantedAsync(int count) =>
        commands.WriteAsync(new GatewayMessage { TunnelsWanted = new TunnelsWanted { Count = count } });

    public Task SendReconnectAsync(string reason, int delayMs) =>
        commands.WriteAsync(new GatewayMessage { Reconnect = new Reconnect { Reason = reason, DelayMs = delayMs } });
}
