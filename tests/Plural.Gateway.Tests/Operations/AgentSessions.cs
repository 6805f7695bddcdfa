using Microsoft.Extensions.Hosting;
using System.Threading.Channels;
using Grpc.Core;
using Plural.Gateway.Agents;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Operations;

/// <summary>
/// An agent's control stream as the gateway sees it: messages sent down land in a channel the test reads. Like the
/// real session handler, a session leaves the registry once it is closed.
/// </summary>
internal sealed class RecordingSession : IServerStreamWriter<GatewayMessage>
{
    private readonly Channel<GatewayMessage> _sent = Channel.CreateUnbounded<GatewayMessage>();

    private RecordingSession(SessionRegistry registry, string agent, DateTimeOffset connectedAt, bool leavesWhenToldToReconnect)
    {
        LeavesWhenToldToReconnect = leavesWhenToldToReconnect;
        Session = new AgentSession(new AgentIdentity(agent, "token-" + agent, "hash-" + agent), new Hello { InstanceId = "pod" },
            connectedAt, this, CancellationToken.None);
        Registry = registry;
        registry.Add(Session);
        Session.Closed.Register(() => registry.Remove(Session));
    }

    public AgentSession Session { get; }

    public SessionRegistry Registry { get; }

    public bool LeavesWhenToldToReconnect { get; }

    /// <summary>When set, every send fails as a broken stream does.</summary>
    public Exception? Failure { get; set; }

    public WriteOptions? WriteOptions { get; set; }

    public static RecordingSession Open(SessionRegistry registry, string agent = "agent-a", DateTimeOffset connectedAt = default,
        bool leavesWhenToldToReconnect = false) =>
        new(registry, agent, connectedAt, leavesWhenToldToReconnect);

    /// <summary>The next message sent to the agent; fails the test when none comes.</summary>
    public async Task<GatewayMessage> ReceiveAsync() =>
        await _sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Messages sent so far, without waiting.</summary>
    public int SentCount => _sent.Reader.Count;

    public Task WriteAsync(GatewayMessage message)
    {
        if (Failure is { } failure)
        {
            return Task.FromException(failure);
        }

        _sent.Writer.TryWrite(message);
        if (LeavesWhenToldToReconnect && message.KindCase == GatewayMessage.KindOneofCase.Reconnect)
        {
            Registry.Remove(Session);
        }

        return Task.CompletedTask;
    }

    public Task WriteAsync(GatewayMessage message, CancellationToken cancellationToken) => WriteAsync(message);
}

/// <summary>A host lifetime that only records a stop request.</summary>
internal sealed class RecordingLifetime : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public bool StopRequested => _stopping.IsCancellationRequested;

    public void StopApplication() => _stopping.Cancel();
}
