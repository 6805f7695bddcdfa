using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>
/// A Prometheus-like HTTP server on a loopback port of its own, answering queries about the emulator's pods. The
/// seeded <c>monitoring/prometheus</c> pods name it in their backend annotation, so it is reached the way any
/// in-cluster service is: through <c>services/prometheus:9090/proxy/...</c>.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PrometheusServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:41235</c>.</summary>
    public Uri Url { get; }

    public static async Task<PrometheusServer> StartAsync(ObjectService objects, TimeProvider time, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(PrometheusServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new PrometheusApi(new PodSeries(objects), time);
        app.MapMethods("/api/v1/query", ["GET", "POST"], api.QueryAsync);
        app.MapMethods("/api/v1/query_range", ["GET", "POST"], api.QueryRangeAsync);
        app.MapGet("/-/healthy", () => "Prometheus Server is Healthy.\n");
        app.MapGet("/-/ready", () => "Prometheus Server is Ready.\n");
        app.MapFallback(async (HttpContext c) =>
        {
            c.Response.StatusCode = 404;
            c.Response.ContentType = "text/plain; charset=utf-8";
            await c.Response.WriteAsync("404 page not found\n", c.RequestAborted);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PrometheusServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
