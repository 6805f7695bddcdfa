using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plural.Bench.GitPolling;

/// <summary>
/// Real <c>git http-backend</c> behind a small Kestrel CGI host on loopback, serving the bare repositories under one
/// folder. It runs in a process of its own (<c>Plural.Bench git-server --root DIR --port N</c>) so that its CPU, and
/// that of the http-backend programs it runs and reaps, is counted apart from the silo's and the bench's. It counts
/// what clients asked for, by kind, and answers <c>GET /_stats</c> with the counts (not counted itself).
/// </summary>
public static class GitHttpServer
{
    /// <summary>Path of the counters.</summary>
    public const string StatsPath = "/_stats";

    private static long _refAdvertisements, _lsRefs, _packRequests, _other;

    /// <summary>Serves until <paramref name="ct"/> is cancelled.</summary>
    public static async Task RunAsync(string root, int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        await using var app = builder.Build();
        app.Run(context => HandleAsync(context, root));
        await app.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopped by the bench.
        }

        await app.StopAsync(CancellationToken.None);
    }

    private static async Task HandleAsync(HttpContext context, string root)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == StatsPath)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Join(' ',
                Interlocked.Read(ref _refAdvertisements), Interlocked.Read(ref _lsRefs), Interlocked.Read(ref _packRequests), Interlocked.Read(ref _other)));
            return;
        }

        // Bodies are small; buffering gives http-backend the CONTENT_LENGTH it wants even for chunked requests.
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Classify(path, body);
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REQUEST_METHOD"] = context.Request.Method;
        start.Environment["PATH_INFO"] = path;
        start.Environment["QUERY_STRING"] = context.Request.QueryString.Value?.TrimStart('?') ?? "";
        start.Environment["CONTENT_TYPE"] = context.Request.ContentType ?? "";
        start.Environment["CONTENT_LENGTH"] = body.Length.ToString(CultureInfo.InvariantCulture);
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        if (context.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        if (context.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol)
        {
            start.Environment["GIT_PROTOCOL"] = protocol;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git http-backend");
        body.Position = 0;
        var input = Task.Run(async () =>
        {
            await body.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        });
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(output);
        await input;
        await process.WaitForExitAsync();
        await error;
        await WriteCgiResponseAsync(context.Response, output.ToArray());
    }

    // GET info/refs is a ref advertisement (all a libgit2 remote-ref check needs). A POST to git-upload-pack is either a
    // protocol-v2 ls-refs command (how git ls-remote lists refs) or a pack negotiation (wants: a fetch).
    private static void Classify(string path, MemoryStream body)
    {
        if (path.EndsWith("/info/refs", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refAdvertisements);
        }
        else if (path.EndsWith("/git-upload-pack", StringComparison.Ordinal))
        {
            var text = Encoding.ASCII.GetString(body.GetBuffer(), 0, (int)Math.Min(body.Length, 4096));
            Interlocked.Increment(ref text.Contains("command=ls-refs", StringComparison.Ordinal) ? ref _lsRefs : ref _packRequests);
        }
        else
        {
            Interlocked.Increment(ref _other);
        }
    }

    private static async Task WriteCgiResponseAsync(HttpResponse response, byte[] output)
    {
        var end = output.AsSpan().IndexOf("\r\n\r\n"u8);
        var separator = 4;
        if (end < 0)
        {
            end = output.AsSpan().IndexOf("\n\n"u8);
            separator = 2;
        }

        if (end < 0)
        {
            response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        foreach (var line in Encoding.ASCII.GetString(output, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        await response.Body.WriteAsync(output.AsMemory(end + separator));
    }
}
