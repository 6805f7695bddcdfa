using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plural.Bench.Platform;

/// <summary>
/// The HTTP/1.1 server every route ends at, standing in for a Kubernetes API server. It runs in a
/// process of its own (<c>Plural.Bench upstream --port N</c>) so its CPU and memory are counted apart
/// from the load client's, and it does as little work per byte as it can so that the routes differ
/// only by what sits between client and upstream.
/// </summary>
public static class UpstreamServer
{
    /// <summary>Body of <c>GET /small</c>: about the size of a Kubernetes <c>/version</c> answer.</summary>
    public static readonly byte[] SmallBody = Encoding.UTF8.GetBytes(
        """{"major":"1","minor":"31","gitVersion":"v1.31.0","gitCommit":"0000000000000000000000000000000000000000","gitTreeState":"clean","buildDate":"2024-08-13T07:28:49Z","goVersion":"go1.22.5","compiler":"gc","platform":"linux/amd64"}""");

    /// <summary>Serves until <paramref name="ct"/> is cancelled.</summary>
    public static async Task RunAsync(int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
        });
        await using var app = builder.Build();
        Map(app);
        await app.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // The bench is done with it.
        }

        await app.StopAsync(CancellationToken.None);
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/small", async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = SmallBody.Length;
            await context.Response.Body.WriteAsync(SmallBody, context.RequestAborted);
        });

        var block = new byte[256 * 1024];
        Random.Shared.NextBytes(block);
        app.MapGet("/bytes/{size:long}", async (HttpContext context, long size) =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = size;
            for (long sent = 0; sent < size;)
            {
                var n = (int)Math.Min(block.Length, size - sent);
                await context.Response.Body.WriteAsync(block.AsMemory(0, n), context.RequestAborted);
                sent += n;
            }
        });

        app.MapPost("/upload", async (HttpContext context) =>
        {
            var buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
            }

            return Results.Json(new UploadReceipt(total));
        });
    }
}
