using System.Diagnostics;

namespace Plural.Bench.Events;

/// <summary>
/// Makes changes on a fixed schedule (open loop): change <c>i</c> is due at <c>i × span / count</c> whatever the
/// earlier ones took, spread over a few concurrent writers so that one slow answer does not hold back the rest.
/// </summary>
public static class ChangeBurst
{
    /// <summary>Makes <paramref name="count"/> changes over <paramref name="span"/>; returns how long they took in all.</summary>
    public static async Task<TimeSpan> MakeAsync(int count, TimeSpan span, int writers, Func<int, CancellationToken, Task> change, CancellationToken ct)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var due = span * i / count;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }

                await change(i, ct);
            }
        }, ct)));
        return clock.Elapsed;
    }
}
