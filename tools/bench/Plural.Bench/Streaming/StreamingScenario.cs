using System.Diagnostics;
using System.Net.Http.Json;
using Plural.Bench.Baselines;
using Plural.Bench.Load;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Reporting;
using Plural.Bench.Runner;

namespace Plural.Bench.Streaming;

/// <summary>
/// Scenario 2: one large body streamed down and up through each route, with the resident memory and
/// CPU of every process carrying it sampled during the transfer.
/// </summary>
public sealed class StreamingScenario : IScenario
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public string Name => "streaming";

    /// <inheritdoc />
    public string Title => "Streamed body: download and upload throughput and memory through the tunnel vs direct, ssh -R and nghttpx";

    /// <inheritdoc />
    public IReadOnlyList<ScenarioOption> Options { get; } =
    [
        new("size", OptionKind.Size, "1GiB", "body size"),
        new("repeat", OptionKind.Count, "3", "transfers per route and direction, the routes interleaved (the median is reported)"),
        new("profile", OptionKind.Text, "plain", "plain (every hop plain text but ssh) or tls (tunnel and nghttpx over TLS)"),
        new("routes", OptionKind.Text, "direct,tunnel,ssh,nghttpx", $"routes to measure, comma-separated, from {RouteSet.AllNames}"),
    ];

    /// <inheritdoc />
    public async Task<ScenarioReport> RunAsync(ScenarioContext context, CancellationToken ct)
    {
        var size = context.Size("size");
        var repeat = context.Count("repeat");
        // The gateway refuses request bodies over its limit (1 GiB by default); a bigger --size raises it.
        string[] gatewayArgs = size > 1L << 30 ? [$"--Gateway:Tunnels:MaxRequestBodyBytes={size}"] : [];
        var profile = SecurityProfiles.Parse(context.Text("profile"));
        using var routes = await RouteSet.StartAsync(context, context.Text("routes"), gatewayArgs, profile, ct);
        var clients = routes.Routes.ToDictionary(r => r.Name, r =>
        {
            // HTTP/1.1 on every route, TLS where the route has it: one body on one connection, as curl or kubectl cp would.
            var client = LoadTarget.NewClient([], http2: false, r.CaFile, connections: 1);
            client.Timeout = TimeSpan.FromMinutes(10);
            return client;
        });
        var transfers = new List<Transfer>();
        // Each route once before any again, so that a slow spell of the machine lands on every route rather than on one.
        for (var i = 0; i < repeat; i++)
        {
            foreach (var route in routes.Routes)
            {
                var components = route.Components.Append(routes.Upstream.Process).ToArray();
                var client = clients[route.Name];
                foreach (var direction in new[] { "download", "upload" })
                {
                    var transfer = await MeasureAsync(route, direction, size, components, () => direction == "download"
                        ? DownloadAsync(client, route, size, ct)
                        : UploadAsync(client, route, size, ct), ct);
                    transfers.Add(transfer);
                    context.Log($"{route.Name} {direction} {Quantity.FormatSize(size)}: {transfer.MibPerSecond:0} MiB/s, " +
                        string.Join(", ", transfer.Processes.Select(p => $"{p.Component} peak {Format.MiB(p.PeakRssBytes)} MiB")));
                }
            }
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        var report = StreamingReport.Build(transfers, size, repeat, routes.Skipped);
        report.Headlines["security profile"] = SecurityProfiles.Describe(profile);
        if (routes.ErrorSummary() is { } errors)
        {
            report.Notes.Add(errors);
        }

        return report;
    }

    private static async Task<Transfer> MeasureAsync(Route route, string direction, long size, IReadOnlyList<ChildProcess> components,
        Func<Task> transfer, CancellationToken ct)
    {
        var before = components.Select(c => c.Sample()).ToArray();
        var peaks = before.Select(s => s.RssBytes).ToArray();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                for (var i = 0; i < components.Count; i++)
                {
                    peaks[i] = Math.Max(peaks[i], components[i].Sample().RssBytes);
                }

                try
                {
                    await Task.Delay(SampleEvery, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await transfer();
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var after = components.Select(c => c.Sample()).ToArray();
        return new Transfer(route.Name, direction, seconds, size,
            components.Select((c, i) => new TransferProcess(c.Name, before[i].RssBytes, Math.Max(peaks[i], after[i].RssBytes),
                after[i].CpuSeconds - before[i].CpuSeconds)).ToArray());
    }

    private static async Task DownloadAsync(HttpClient client, Route route, long size, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, route.UrlOf($"/bytes/{size}"));
        if (route.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", route.Authorization);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[256 * 1024];
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            received += read;
        }

        if (received != size)
        {
            throw new InvalidOperationException($"{route.Name}: downloaded {received} bytes of {size}");
        }
    }

    private static async Task UploadAsync(HttpClient client, Route route, long size, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.UrlOf("/upload")) { Content = new GeneratedContent(size) };
        if (route.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", route.Authorization);
        }

        using var response = await client.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var receipt = await response.Content.ReadFromJsonAsync<UploadReceipt>(ct);
        if (receipt?.Bytes != size)
        {
            throw new InvalidOperationException($"{route.Name}: the upstream received {receipt?.Bytes} bytes of {size}");
        }
    }
}
