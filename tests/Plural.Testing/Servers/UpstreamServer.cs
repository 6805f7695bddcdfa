using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Plural.Testing.Processes;

namespace Plural.Testing.Servers;

/// <summary>
/// The HTTP server an agent forwards to, standing in for a Kubernetes API server where the test is about the tunnel,
/// not about Kubernetes. It records what it saw so tests can compare; for the bench (see <see cref="UpstreamServerOptions"/>)
/// it records nothing and does as little work per byte as it can, so that routes differ only by what sits between
/// client and upstream.
/// </summary>
public sealed class UpstreamServer : IAsyncDisposable
{
    /// <summary>Body of <c>GET /small</c>: about the size of a Kubernetes <c>/version</c> answer.</summary>
    public static readonly byte[] SmallBody = Encoding.UTF8.GetBytes(
        """{"major":"1","minor":"31","gitVersion":"v1.31.0","gitCommit":"0000000000000000000000000000000000000000","gitTreeState":"clean","buildDate":"2024-08-13T07:28:49Z","goVersion":"go1.22.5","compiler":"gc","platform":"linux/amd64"}""");

    // Pattern() repeats every 251 bytes, so a block of whole periods is the body at every block-aligned offset.
    private static readonly byte[] PatternBlock = Enumerable.Range(0, 251 * 1024).Select(i => Pattern(i)).ToArray();

    private readonly WebApplication _app;
    private readonly UpstreamServerOptions _options;

    private UpstreamServer(WebApplication app, Uri url, UpstreamServerOptions options)
    {
        _app = app;
        Url = url;
        _options = options;
    }

    public Uri Url { get; }

    /// <summary>Headers of the last request to <c>/echo</c>.</summary>
    public ConcurrentQueue<IHeaderDictionary> SeenHeaders { get; } = new();

    /// <summary>Method and path of every request that reached this server, for proving that a request never did.</summary>
    public ConcurrentQueue<string> SeenRequests { get; } = new();

    /// <summary>Completes each time a <c>/hang</c> request is aborted by its caller.</summary>
    public ConcurrentQueue<string> AbortedRequests { get; } = new();

    /// <summary>How many <c>/hang</c> requests are waiting right now.</summary>
    public int Hanging;

    /// <summary>Deterministic body bytes for a given size, so both ends can check content without storing it.</summary>
    public static byte Pattern(long offset) => (byte)(offset * 31 % 251);

    public static async Task<UpstreamServer> StartAsync(UpstreamServerOptions? options = null)
    {
        options ??= new UpstreamServerOptions();
        var port = options.Port is > 0 and var chosen ? chosen : FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, listen => listen.Protocols = options.Http1Only ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2);
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var server = new UpstreamServer(app, new Uri($"http://127.0.0.1:{port}"), options);
        if (options.RecordRequests)
        {
            app.Use((context, next) =>
            {
                server.SeenRequests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
                return next(context);
            });
        }

        app.UseWebSockets();
        server.Map(app);
        await app.StartAsync();
        return server;
    }

    private void Map(WebApplication app)
    {
        // Echoes WebSocket messages, prefixed with the impersonated user the upstream saw.
        app.Map("/ws-echo", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            var user = context.Request.Headers["Impersonate-User"].ToString();
            using var socket = await context.WebSockets.AcceptWebSocketAsync("echo.v1");
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                var reply = System.Text.Encoding.UTF8.GetBytes($"{user}: {System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count)}");
                await socket.SendAsync(reply, System.Net.WebSockets.WebSocketMessageType.Text, true, context.RequestAborted);
            }
        });

        app.Map("/echo/{**rest}", async (HttpContext context) =>
        {
            SeenHeaders.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary()));
            context.Response.Headers["X-Upstream-Method"] = context.Request.Method;
            context.Response.Headers["X-Upstream-Path"] = context.Request.Path.Value;
            context.Response.Headers["X-Upstream-Query"] = context.Request.QueryString.Value;
            context.Response.StatusCode = context.Request.Headers.TryGetValue("X-Want-Status", out var want) ? int.Parse(want!) : 200;
            context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });

        app.MapGet("/small", async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = SmallBody.Length;
            await context.Response.Body.WriteAsync(SmallBody, context.RequestAborted);
        });

        app.MapGet("/bytes/{size:long}", async (HttpContext context, long size) =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = size;
            for (long sent = 0; sent < size;)
            {
                var n = (int)Math.Min(PatternBlock.Length, size - sent);
                await context.Response.Body.WriteAsync(PatternBlock.AsMemory(0, n), context.RequestAborted);
                sent += n;
            }
        });

        // Answers how many bytes arrived and, unless told not to hash, their SHA-256.
        app.MapPost("/upload", async (HttpContext context) =>
        {
            using var hash = _options.HashUploads ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            var buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                hash?.AppendData(buffer, 0, read);
                total += read;
            }

            return hash is null
                ? Results.Json(new { bytes = total })
                : Results.Json(new { bytes = total, sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) });
        });

        app.MapGet("/hang", async (HttpContext context) =>
        {
            Interlocked.Increment(ref Hanging);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                AbortedRequests.Enqueue(context.Request.Query["id"].ToString());
            }
            finally
            {
                Interlocked.Decrement(ref Hanging);
            }
        });

        // Like a watch: one line at once, then silence until the caller leaves.
        app.MapGet("/stream", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("first\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });

        app.MapGet("/slow-ok", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(int.Parse(context.Request.Query["ms"].ToString())), context.RequestAborted);
            return Results.Text("done");
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
