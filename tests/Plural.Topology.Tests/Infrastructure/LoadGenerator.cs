using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// A steady stream of requests from users to random agents through whichever gateways are ready, like traffic
/// behind a load balancer. Bounded: it stops by itself after <see cref="MaxDuration"/> at the latest.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(4);

    private readonly GatewayReadiness _readiness;
    private readonly IReadOnlyList<string> _agents;
    private readonly ConcurrentQueue<RequestRecord> _records = new();
    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly HttpClient _http;
    private readonly List<Task> _workers;
    private readonly string _path;

    public LoadGenerator(GatewayReadiness readiness, IReadOnlyList<string> agents, int workers, string path = "/echo/load")
    {
        _readiness = readiness;
        _agents = agents;
        _path = path;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TopologyCluster.AdminToken);
        _workers = [.. Enumerable.Range(0, workers).Select(RunAsync)];
    }

    public IReadOnlyList<RequestRecord> Records => [.. _records];

    /// <summary>Waits until at least <paramref name="count"/> requests have succeeded since <paramref name="since"/>.</summary>
    public async Task WaitForSuccessesAsync(DateTime since, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_records.Count(r => r.Started >= since && r.Succeeded) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"fewer than {count} requests succeeded within {timeout}; {LoadReport.Of(Records, since, DateTime.UtcNow)}");
            }

            await Task.Delay(100);
        }
    }

    private async Task RunAsync(int worker)
    {
        var random = new Random(worker);
        var sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            var ready = _readiness.Ready;
            if (ready.Count == 0)
            {
                await PauseAsync(100);
                continue;
            }

            var gateway = ready[random.Next(ready.Count)];
            var agent = _agents[random.Next(_agents.Count)];
            var started = DateTime.UtcNow;
            var expected = $"{_path}/{worker}-{++sequence}";
            try
            {
                using var response = await _http.GetAsync(new Uri(gateway.HttpUrl, $"/agents/{agent}/proxy{expected}"), _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                var wrongBody = response.IsSuccessStatusCode && !body.Contains(expected, StringComparison.Ordinal) ? "unexpected body: " + body : null;
                _records.Enqueue(new RequestRecord(started, DateTime.UtcNow, gateway.Id, agent, (int)response.StatusCode,
                    wrongBody ?? (response.IsSuccessStatusCode ? null : body[..Math.Min(body.Length, 300)])));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                _records.Enqueue(new RequestRecord(started, DateTime.UtcNow, gateway.Id, agent, 0, ex.GetType().Name + ": " + ex.Message));
            }

            await PauseAsync(20);
        }
    }

    private async Task PauseAsync(int milliseconds)
    {
        try
        {
            await Task.Delay(milliseconds, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }
}
