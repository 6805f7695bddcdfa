using System.Diagnostics;
using System.Net;

namespace Plural.Bench.Load;

/// <summary>
/// The bench's own closed-loop load client: <c>concurrency</c> workers each send a request, read the
/// whole answer, and send the next, over HTTP/1.1 keep-alive connections (one per worker).
/// </summary>
public static class HttpLoad
{
    /// <summary>Runs for <paramref name="duration"/>; <paramref name="pickUrl"/> chooses each request's URL.</summary>
    public static async Task<LoadResult> RunAsync(Func<int, Uri> pickUrl, string? authorization, int concurrency,
        TimeSpan duration, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

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
        var all = latencies.SelectMany(l => l).ToList();
        all.Sort();
        return new LoadResult(concurrency, all.Count, errors.Sum(), seconds,
            Percentiles.Of(all, 50), Percentiles.Of(all, 90), Percentiles.Of(all, 99), all.Count > 0 ? all[^1] : 0, "own");
    }
}
