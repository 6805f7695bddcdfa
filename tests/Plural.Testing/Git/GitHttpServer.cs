using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plural.Testing.Git;

/// <summary>
/// Real <c>git http-backend</c> behind a tiny Kestrel CGI host on loopback, serving the bare repositories under a
/// folder. It counts what clients asked for (ref advertisements, ls-refs commands, pack negotiations), in total and
/// per repository, and answers <c>GET /_stats</c> with the totals (not counted itself) for a caller in another
/// process. It can require Basic credentials, and can be switched to answer 503 to play an unreachable remote.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, long> _requestsByRepository = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _uploadPacksByRepository = new(StringComparer.Ordinal);
    private long _refAdvertisements, _lsRefs, _packRequests, _other, _unauthorized;

    /// <summary>Path of the counters: "{ref advertisements} {ls-refs} {pack requests} {other}".</summary>
    public const string StatsPath = "/_stats";

    private GitHttpServer(WebApplication app, string root)
    {
        _app = app;
        _root = root;
    }

    /// <summary>Base URL; repositories are at <c>{Url}/{name}.git</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>GET info/refs: one per remote-ref check, and one more per fetch.</summary>
    public long RefAdvertisements => Interlocked.Read(ref _refAdvertisements);

    /// <summary>POST git-upload-pack: one per fetch that negotiated objects, and one per protocol-v2 ls-refs command.</summary>
    public long UploadPacks => LsRefs + PackRequests;

    /// <summary>POST git-upload-pack carrying a protocol-v2 ls-refs command (how <c>git ls-remote</c> lists refs).</summary>
    public long LsRefs => Interlocked.Read(ref _lsRefs);

    /// <summary>POST git-upload-pack negotiating a pack (wants: a fetch).</summary>
    public long PackRequests => Interlocked.Read(ref _packRequests);

    /// <summary>Requests of any other kind.</summary>
    public long OtherRequests => Interlocked.Read(ref _other);

    /// <summary>Requests refused for missing or wrong credentials.</summary>
    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    /// <summary>Every request for repository <paramref name="name"/> so far, answered or not.</summary>
    public long RequestsTo(string name) => _requestsByRepository.GetValueOrDefault($"/{name}.git");

    /// <summary>Fetches (upload-pack requests) of one repository; other tests' pollers share this server.</summary>
    public long UploadPacksTo(string name) => _uploadPacksByRepository.GetValueOrDefault($"/{name}.git");

    /// <summary>False makes every request fail with 503.</summary>
    public bool Available { get; set; } = true;

    /// <summary>Repositories whose name starts with this need <see cref="RequiredCredential"/> as Basic credentials.</summary>
    public const string PrivatePrefix = "private-";

    /// <summary>The credentials private repositories need.</summary>
    public (string User, string Password) RequiredCredential { get; set; } = ("reader", "s3cret-token");

    public string RepositoryUrl(string name) => $"{Url}/{name}.git";

    /// <summary>Starts serving <paramref name="root"/> on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<GitHttpServer> StartAsync(string root, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new GitHttpServer(app, root);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address.Replace("[::1]", "127.0.0.1").TrimEnd('/');
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path.Value == StatsPath)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Join(' ', RefAdvertisements, LsRefs, PackRequests, OtherRequests));
            return;
        }

        var repository = context.Request.Path.Value is { } requested && requested.IndexOf(".git", StringComparison.Ordinal) is var end and > 0
            ? requested[..(end + 4)] : "";
        _requestsByRepository.AddOrUpdate(repository, 1, (_, n) => n + 1);
        if (!Available)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if ((context.Request.Path.Value ?? "").StartsWith("/" + PrivatePrefix, StringComparison.Ordinal)
            && !Authorized(context.Request, RequiredCredential))
        {
            Interlocked.Increment(ref _unauthorized);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }

        var path = context.Request.Path.Value ?? "";

        // Bodies are small; buffering gives http-backend the CONTENT_LENGTH it wants even for chunked requests.
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Classify(path, repository, body);
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = _root;
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
    private void Classify(string path, string repository, MemoryStream body)
    {
        if (path.EndsWith("/info/refs", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refAdvertisements);
        }
        else if (path.EndsWith("/git-upload-pack", StringComparison.Ordinal))
        {
            _uploadPacksByRepository.AddOrUpdate(repository, 1, (_, n) => n + 1);
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
        var end = IndexOf(output, "\r\n\r\n"u8, out var separator);
        if (end < 0)
        {
            end = IndexOf(output, "\n\n"u8, out separator);
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

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern, out int length)
    {
        length = pattern.Length;
        return data.AsSpan().IndexOf(pattern);
    }

    private static bool Authorized(HttpRequest request, (string User, string Password) required)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        return decoded == $"{required.User}:{required.Password}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
