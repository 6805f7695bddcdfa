using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>An agent's tunnel stream held by the fake gateway; the test drives the exchange.</summary>
public sealed class FakeTunnelSlot(
    IAsyncStreamReader<TunnelUp> up,
    IServerStreamWriter<TunnelDown> down,
    string connectionId,
    string instanceId,
    IReadOnlyList<string> capabilities,
    CancellationToken aborted)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<bool>? _idleRead;
    private bool _claimed;

    public string ConnectionId { get; } = connectionId;

    public string InstanceId { get; } = instanceId;

    /// <summary>What the agent declared in its <c>ready</c> frame.</summary>
    public IReadOnlyList<string> Capabilities { get; } = capabilities;

    /// <summary>The agent (or the gateway's shutdown) ended the stream.</summary>
    public CancellationToken Aborted { get; } = aborted;

    public bool IsClosed { get; set; }

    internal Task Finished => _finished.Task;

    public Task SendAsync(TunnelDown frame) => down.WriteAsync(frame, Aborted);

    /// <summary>Sends a request without a body: its head, then its end.</summary>
    public async Task SendRequestAsync(RequestHead head)
    {
        await SendAsync(new TunnelDown { RequestHead = head });
        await SendAsync(new TunnelDown { End = new RequestEnd() });
    }

    public async Task<TunnelUp?> ReceiveAsync()
    {
        var pending = Interlocked.Exchange(ref _idleRead, null);
        return await (pending ?? up.MoveNext(Aborted)) ? up.Current : null;
    }

    /// <summary>
    /// Keeps a read pending while no test holds the slot, and ends the call when the agent ends its side, as a real
    /// gateway does; the agent otherwise waits seconds for that end when it retires idle streams or stops. A frame
    /// that arrives instead is left for the test's next <see cref="ReceiveAsync"/>.
    /// </summary>
    internal void WatchWhileIdle()
    {
        var read = up.MoveNext(Aborted);
        _idleRead = read;
        _ = read.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && !t.Result && !Volatile.Read(ref _claimed))
            {
                Finish();
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>A test took the slot: from now on only the test ends the call.</summary>
    internal void Claim() => Volatile.Write(ref _claimed, true);

    /// <summary>Ends the call from the gateway side, as a gateway does after the exchange or for an unused slot.</summary>
    public void Finish() => _finished.TrySetResult();

    /// <summary>
    /// Reads the agent's answer up to its last frame (an end, an error, or a head carrying the whole response), leaving
    /// the stream open, as a gateway that reuses streams does.
    /// </summary>
    public async Task<TunnelResponse> ReadAnswerAsync()
    {
        var response = new TunnelResponse(new MemoryStream());
        while (!response.Complete && await ReceiveAsync() is { } frame)
        {
            response.Add(frame);
        }

        return response;
    }

    /// <summary>Reads the agent's answer until it completes its stream; the body goes to <paramref name="body"/>.</summary>
    public async Task<TunnelResponse> ReadResponseAsync(Stream? body = null)
    {
        var response = new TunnelResponse(body ?? new MemoryStream());
        while (await ReceiveAsync() is { } frame)
        {
            response.Add(frame);
        }

        return response;
    }
}
