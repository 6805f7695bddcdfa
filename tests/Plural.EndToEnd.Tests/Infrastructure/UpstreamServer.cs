using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The HTTP server an agent forwards to, standing in for a Kubernetes API server where the test
/// is about the tunnel, not about Kubernetes. It records what it saw so tests can compare.
/// </summary>
internal sealed class UpstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UpstreamServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
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

    public static async Task<UpstreamServer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new UpstreamServer(app, new Uri($"http://127.0.0.1:{port}"));
        app.Use((context, next) =>
        {
            server.SeenRequests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            return next(context);
        });
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

        app.MapGet("/bytes/{size:long}", async (HttpContext context, long size) =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = size;
            var buffer = new byte[64 * 1024];
            for (long sent = 0; sent < size;)
            {
                var n = (int)Math.Min(buffer.Length, size - sent);
                for (var i = 0; i < n; i++)
                {
                    buffer[i] = Pattern(sent + i);
                }

                await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                sent += n;
            }
        });

        app.MapPost("/upload", async (HttpContext context) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }

            return Results.Json(new { bytes = total, sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) });
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
