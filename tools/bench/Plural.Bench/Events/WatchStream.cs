using System.Net.Http.Headers;
using System.Text.Json;

namespace Plural.Bench.Events;

/// <summary>
/// A kubectl-style watch (<c>GET ...?watch=1</c>, one JSON event per line) that reports the names of added
/// objects to an <see cref="ArrivalLog"/>.
/// </summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    private WatchStream(HttpClient http) => _http = http;

    /// <summary>Starts watching <paramref name="url"/> and returns once the response headers arrived.</summary>
    public static async Task<WatchStream> StartAsync(Uri url, AuthenticationHeaderValue authorization, ArrivalLog log, string observer, CancellationToken ct)
    {
        var watch = new WatchStream(new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = authorization } };
        var response = await watch._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(ct);
        watch._reader = Task.Run(() => watch.ReadAsync(response, stream, log, observer));
        return watch;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(HttpResponseMessage response, Stream stream, ArrivalLog log, string observer)
    {
        using var _ = response;
        using var reader = new StreamReader(stream);
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("type", out var type) && type.ValueEquals("ADDED")
                    && root.TryGetProperty("object", out var item) && item.TryGetProperty("metadata", out var metadata)
                    && metadata.TryGetProperty("name", out var name))
                {
                    log.Arrived(observer, name.GetString()!);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Ended by the bench, or the watch broke: missing arrivals show in the counts.
        }
    }
}
