using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Plural.Bench.Load;

/// <summary>
/// The open-loop client: sends requests on a fixed schedule whatever the answers do, from a thread of its own, and
/// times each from when it was due (see <see cref="FixedRateResult"/>). Requests that find every connection busy wait
/// in the client for one, and that wait is part of their latency, as it would be for a real caller.
/// </summary>
public static partial class FixedRateLoad
{
    /// <summary>Connections at most; beyond that many answers outstanding the server is not keeping up with the rate anyway.</summary>
    private const int MaxConnections = 512;

    /// <summary>
    /// A client for <paramref name="target"/>, to be used for the warm-up and the measured run alike, so that the
    /// measured run does not pay for opening connections.
    /// </summary>
    public static HttpClient CreateClient(LoadTarget target) => target.CreateClient(MaxConnections);

    /// <summary>Offers <paramref name="rate"/> requests per second to <paramref name="url"/> for <paramref name="duration"/>.</summary>
    public static async Task<FixedRateResult> RunAsync(HttpClient client, Uri url, double rate, TimeSpan duration, CancellationToken ct)
    {
        var schedule = new FixedRateSchedule(rate);
        var count = (int)Math.Min(schedule.CountWithin(duration), 10_000_000);
        var sent = new double[count];
        var completed = new double[count];
        var requests = new Task[count];
        var started = Stopwatch.GetTimestamp();
        double Now() => Stopwatch.GetElapsedTime(started).TotalMicroseconds;

        // A dedicated thread, so that the schedule does not wait for the thread pool the answers are read on.
        var dispatcher = new Thread(() =>
        {
            for (var i = 0; i < count && !ct.IsCancellationRequested; i++)
            {
                var due = schedule.IntendedStartMicros(i);
                for (var wait = due - Now(); wait > 20; wait = due - Now())
                {
                    // Timer slack makes a sleep end up to ~60 µs late; the lag is measured, not hidden.
                    _ = USleep((uint)Math.Min(wait, 1000));
                }

                sent[i] = Now();
                requests[i] = SendAsync(client, url, i, completed, Now, ct);
            }
        }) { IsBackground = true, Name = "fixed-rate dispatcher", Priority = ThreadPriority.AboveNormal };
        dispatcher.Start();
        await Task.Run(dispatcher.Join, ct);
        await Task.WhenAll(requests.Where(r => r is not null));
        ct.ThrowIfCancellationRequested();
        return FixedRateResult.From(schedule, sent, completed, "own");
    }

    private static async Task SendAsync(HttpClient client, Uri url, int index, double[] completed, Func<double> now, CancellationToken ct)
    {
        completed[index] = double.NaN;
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, ct);
            if (response.IsSuccessStatusCode)
            {
                completed[index] = now();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // Counted as an error: its completion stays NaN.
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);
}
