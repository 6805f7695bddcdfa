using System.Diagnostics;

namespace Plural.Bench.Load;

/// <summary>
/// The bench's own closed-loop load client: <c>concurrency</c> workers each send a request, read the
/// whole answer, and send the next, over HTTP/1.1 keep-alive connections (one per worker), or HTTP/2
/// streams when the target asks for it.
/// </summary>
public static class HttpLoad
{
    /// <summary>Runs for <paramref name="duration"/>; <paramref name="pickUrl"/> chooses each request's URL.</summary>
    public static async Task<LoadResult> RunAsync(Func<int, Uri> pickUrl, string? authorization, int concurrency,
        TimeSpan duration, CancellationToken ct)
    {
        using var client = LoadTarget.NewClient(authorization is null ? [] : [new("Authorization", authorization)], http2: false, caFile: null, concurrency);
        return await RunAsync(client, pickUrl, concurrency, duration, ct);
    }

    /// <summary>
    /// Runs for <paramref name="duration"/> against one URL with a client the caller keeps, so that a measured run after a
    /// warm-up finds its connections open, as wrk's would be after its first requests.
    /// </summary>
    public static Task<LoadResult> RunAsync(HttpClient client, Uri url, int concurrency, TimeSpan duration, CancellationToken ct) =>
        RunAsync(client, _ => url, concurrency, duration, ct);

    private static async Task<LoadResult> RunAsync(HttpClient client, Func<int, Uri> pickUrl, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var latencies = new List<double>[concurrency];
        var errors = new long[concurrency];
        var buffer = new byte[concurrency][];
        var stopwatch = Stopwatch.StartNew();
        var end = duration.TotalSeconds;
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            var scratch = buffer[worker] = new byte[16 * 1024];
            var sequence = 0;
            while (stopwatch.Elapsed.TotalSeconds < end && !ct.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(pickUrl(worker * 1_000_003 + sequence++), HttpCompletionOption.ResponseHeadersRead, ct);
                    await using var body = await response.Content.ReadAsStreamAsync(ct);
                    while (await body.ReadAsync(scratch, ct) > 0)
                    {
                    }

                    if (response.IsSuccessStatusCode)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    }
                    else
                    {
                        errors[worker]++;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    errors[worker]++;
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        return LoadResult.FromLatencies(concurrency, latencies.SelectMany(l => l).ToList(), errors.Sum(), seconds, "own");
    }
}
