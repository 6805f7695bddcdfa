using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Plural.Testing.Cable;

/// <summary>
/// Many WebSocket subscribers of one identifier, each reading in its own loop and recording how long every
/// <c>agent_status</c> message took from its <c>at</c> (set by the publisher, same clock) to arrival.
/// </summary>
public sealed class SubscriberSwarm : IAsyncDisposable
{
    private readonly List<Member> _members = [];

    public int Count => _members.Count;

    public static async Task<SubscriberSwarm> ConnectAsync(Uri url, string identifier, int count, TimeSpan timeout)
    {
        var swarm = new SubscriberSwarm();
        using var cts = new CancellationTokenSource(timeout);
        for (var start = 0; start < count; start += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(start, Math.Min(50, count - start)).Select(async _ =>
            {
                var cable = await RawCable.ConnectAsync(url, ct: cts.Token);
                await cable.SubscribeAsync(identifier, cts.Token);
                while ((string?)(await cable.ReadAsync(cts.Token))?["message"]?["type"] != "snapshot")
                {
                }

                return cable;
            }));
            swarm._members.AddRange(batch.Select(c => new Member(c)));
        }

        foreach (var member in swarm._members)
        {
            member.Start();
        }

        return swarm;
    }

    /// <summary>Waits until every member got <paramref name="messages"/> status messages; false on timeout.</summary>
    public async Task<bool> WaitForAllAsync(int messages, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (_members.Any(m => m.Latencies.Count < messages))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>Members whose sequence numbers were not consecutive, or that lost their connection.</summary>
    public int Broken => _members.Count(m => m.OutOfOrder || m.Closed);

    public int Received => _members.Sum(m => m.Latencies.Count);

    public IReadOnlyList<double> LatenciesMs() => [.. _members.SelectMany(m => m.Latencies).Order()];

    public void Reset()
    {
        foreach (var member in _members)
        {
            member.Latencies.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            await member.DisposeAsync();
        }
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class Member(RawCable cable) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private long _lastSeq = -1;

        public ConcurrentBag<double> Latencies { get; private set; } = [];

        public bool OutOfOrder { get; private set; }

        public bool Closed { get; private set; }

        public void Start() => _loop = Task.Run(ReadLoopAsync);

        private async Task ReadLoopAsync()
        {
            try
            {
                while (await cable.ReadAsync(_stop.Token) is { } frame)
                {
                    if (frame["message"] is JsonObject message && (string?)message["type"] == "agent_status")
                    {
                        var latency = DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)message["at"]!);
                        Latencies.Add(latency.TotalMilliseconds);
                        var seq = (long)message["seq"]!;
                        OutOfOrder |= _lastSeq >= 0 && seq != _lastSeq + 1;
                        _lastSeq = seq;
                    }
                }

                Closed = true;
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
            catch (Exception)
            {
                Closed = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await cable.DisposeAsync();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }
}
