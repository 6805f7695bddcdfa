using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Plural.Testing.Cable;

/// <summary>
/// Many WebSocket subscribers of one identifier, each reading in its own loop and recording how long every
/// <c>agent_status</c> message took from its <c>at</c> (set by the publisher, same clock) to arrival, with the
/// message's <c>seq</c> so that one broadcast can be followed to its last subscriber.
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
        while (_members.Any(m => m.Arrivals.Count < messages))
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

    public int Received => _members.Sum(m => m.Arrivals.Count);

    /// <summary>Every (member, message) latency in milliseconds, sorted.</summary>
    public IReadOnlyList<double> LatenciesMs() => [.. _members.SelectMany(m => m.Arrivals).Select(a => a.Ms).Order()];

    /// <summary>
    /// Per message, the latency of its last arrival among the members that got it: how long the broadcast of that one
    /// message took to reach everyone. Sorted, in milliseconds.
    /// </summary>
    public IReadOnlyList<double> BroadcastMs() =>
        [.. _members.SelectMany(m => m.Arrivals).GroupBy(a => a.Seq).Select(g => g.Max(a => a.Ms)).Order()];

    public void Reset()
    {
        foreach (var member in _members)
        {
            member.Arrivals.Clear();
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

    // Finds "type":"agent_status", "seq" and "at" inside a frame's "message" without building a document.
    private static class StatusMessage
    {
        public static bool TryRead(ReadOnlySpan<byte> frame, out long seq, out DateTimeOffset at)
        {
            (seq, at) = (-1, default);
            var (isStatus, depth) = (false, 0);
            var reader = new Utf8JsonReader(frame);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName when depth == 2:
                        if (reader.ValueTextEquals("type"u8))
                        {
                            reader.Read();
                            isStatus = reader.ValueTextEquals("agent_status"u8);
                        }
                        else if (reader.ValueTextEquals("seq"u8))
                        {
                            reader.Read();
                            seq = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : -1;
                        }
                        else if (reader.ValueTextEquals("at"u8))
                        {
                            reader.Read();
                            at = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) ? value : default;
                        }

                        break;
                }
            }

            return isStatus && seq >= 0 && at != default;
        }
    }

    private sealed class Member(RawCable cable) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private long _lastSeq = -1;

        public ConcurrentBag<(long Seq, double Ms)> Arrivals { get; } = [];

        public bool OutOfOrder { get; private set; }

        public bool Closed { get; private set; }

        public void Start() => _loop = Task.Run(ReadLoopAsync);

        private async Task ReadLoopAsync()
        {
            try
            {
                // Thousands of members share the machine with the gateway they measure: each frame is read in place,
                // only for the three fields that matter.
                while (await cable.ReadBytesAsync(_stop.Token) is { } frame)
                {
                    if (StatusMessage.TryRead(frame.Span, out var seq, out var at))
                    {
                        Arrivals.Add((seq, (DateTimeOffset.UtcNow - at).TotalMilliseconds));
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
