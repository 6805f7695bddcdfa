using Google.Protobuf;
using Grpc.Core;
using Plural.Bench.Agents;

namespace Plural.Bench.Storm;

/// <summary>
/// A <see cref="LightAgent"/> that dials again when its session ends, with AgentK's default backoff
/// (<c>Agent:Reconnect</c>: 1 s, growing 1.6 times, at most 20 s, plus up to 20 % at random).
/// </summary>
public sealed class ReconnectingAgent(string name, string token, Uri gateway, int tunnels, ByteString answer) : IAsyncDisposable
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(20);
    private const double Factor = 1.6, Jitter = 0.2;

    private readonly CancellationTokenSource _stop = new();
    private LightAgent? _current;
    private volatile bool _ready;
    private Task _loop = Task.CompletedTask;
    private int _dials;

    /// <summary>True while a session is open and its tunnels announced.</summary>
    public bool Connected => _ready && _current?.Connected == true;

    /// <summary>Dials so far, the first included.</summary>
    public int Dials => Volatile.Read(ref _dials);

    /// <summary>Connects (retrying with backoff) and from then on reconnects whenever the session ends.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await DialAsync(ct);
        _loop = KeepConnectedAsync();
    }

    private async Task KeepConnectedAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                while (_current?.Connected == true)
                {
                    await Task.Delay(250, _stop.Token);
                }

                _ready = false;
                await Task.Delay(Jittered(InitialBackoff), _stop.Token);
                await DialAsync(_stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopping: a dial cut short ends with whatever the cancelled call threw.
        }
    }

    private async Task DialAsync(CancellationToken ct)
    {
        var backoff = InitialBackoff;
        while (true)
        {
            if (_current is { } old)
            {
                await DisposeQuietlyAsync(old);
            }

            _current = new LightAgent(name, token, gateway, tunnels, answer);
            Interlocked.Increment(ref _dials);
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bounded.CancelAfter(TimeSpan.FromSeconds(30));
                await _current.ConnectAsync(bounded.Token);
                _ready = true;
                return;
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                await Task.Delay(Jittered(backoff), ct);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, (long)(backoff.Ticks * Factor)));
            }
        }
    }

    private static TimeSpan Jittered(TimeSpan delay) => delay + delay * (Jitter * Random.Shared.NextDouble());

    /// <summary>
    /// Disposes a light agent whose connection died: its loops may end with whatever the dead connection threw
    /// (an <see cref="System.Net.Http.HttpIOException"/> too), and it goes away regardless.
    /// </summary>
    private static async Task DisposeQuietlyAsync(LightAgent agent)
    {
        try
        {
            await agent.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or RpcException or InvalidOperationException or OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_current is { } agent)
        {
            await DisposeQuietlyAsync(agent);
        }

        _stop.Dispose();
    }
}
