using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Plural.Testing.Servers;

/// <summary>
/// An HTTP server standing in for one that runs in a pod, on a loopback port an emulated pod names in its backend
/// annotation (<see cref="BackendAnnotation"/>). <c>/echo/...</c> answers with what it received; <c>/events</c>
/// (server-sent events) and <c>/chunks</c> (a chunked text body) send one piece, then wait for the test to call
/// <see cref="Release"/> before each next one, so a caller that gets a piece before the release proves that nothing
/// on the way held it back.
/// </summary>
public sealed class InClusterHttpServer : IAsyncDisposable
{
    /// <summary>The annotation that makes an emulated pod's port reach a loopback URL, without its port suffix.</summary>
    public const string BackendAnnotation = "backend.kube-emulator.plural.sh/";

    private readonly WebApplication _app;
    private readonly SemaphoreSlim _release = new(0);

    private InClusterHttpServer(WebApplication app) => _app = app;

    /// <summary>Base URL, <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Pieces sent by <c>/events</c> and <c>/chunks</c> so far, across requests.</summary>
    public int PiecesSent => Volatile.Read(ref _piecesSent);

    private int _piecesSent;

    public static async Task<InClusterHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new InClusterHttpServer(app);
        app.Map("/echo/{**rest}", Echo);
        app.MapGet("/events", context => server.StreamAsync(context, "text/event-stream", n => $"id: {n}\nevent: tick\ndata: piece {n}\n\n"));
        app.MapGet("/chunks", context => server.StreamAsync(context, "text/plain; charset=utf-8", n => $"piece {n}\n"));
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>Lets <c>/events</c> or <c>/chunks</c> send its next piece.</summary>
    public void Release() => _release.Release();

    /// <summary>The annotation, with its value, that makes <paramref name="port"/> of a pod reach this server.</summary>
    public KeyValuePair<string, string> AnnotationFor(int port) => new(BackendAnnotation + port, Url.ToString().TrimEnd('/'));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _release.Dispose();
    }

    private async Task StreamAsync(HttpContext context, string contentType, Func<int, string> piece)
    {
        var count = int.TryParse(context.Request.Query["count"], out var n) ? n : 3;
        context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
        context.Response.ContentType = contentType;
        for (var i = 1; i <= count; i++)
        {
            if (i > 1)
            {
                await _release.WaitAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync(piece(i), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            Interlocked.Increment(ref _piecesSent);
        }
    }

    private static async Task Echo(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new
        {
            method = context.Request.Method,
            path = context.Request.Path.Value,
            query = context.Request.QueryString.Value,
            body,
            headers = context.Request.Headers.Keys.Select(k => k.ToLowerInvariant()).Order().ToArray(),
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
