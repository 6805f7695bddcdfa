using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// The HTTP server every simulated agent forwards to, standing in for the clusters' API servers.
/// <c>/echo</c> answers with the path and query it saw; <c>/slow?ms=N</c> answers after N milliseconds.
/// </summary>
internal sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<EchoUpstream> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/echo/{**rest}", (HttpContext context) => Results.Text($"echo {context.Request.Path}{context.Request.QueryString}"));
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(Math.Clamp(ms, 0, 60_000), ct);
            return Results.Text($"slept {ms}");
        });
        await app.StartAsync();
        return new EchoUpstream(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
