using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.Protocol.Hosting;

namespace Plural.Bench.H2Relay;

/// <summary>
/// The gateway side of the dotnet-h2 route: Kestrel with an HTTP/1.1 listener for callers and an HTTP/2-only (h2c)
/// listener for the agent side. A caller's request is parked under a random id and announced on the agent side's notice
/// stream (<c>GET /bulk/notices</c>); the agent side fetches the caller's body as the raw body of <c>GET /bulk/{id}</c>
/// and posts the upstream's answer as the raw body of <c>POST /bulk/{id}</c>, which goes straight into the caller's
/// response. Nothing else: no authentication, no registry, no headers beyond status, type and length.
/// </summary>
public static class RelayGatewaySide
{
    /// <summary>Request header carrying the upstream's status code on <c>POST /bulk/{id}</c>.</summary>
    public const string StatusHeader = "X-Relay-Status";

    private const string NoticesPath = "/bulk/notices";
    private const string CallPathPrefix = "/bulk/";

    /// <summary>Serves both listeners until <paramref name="ct"/> is cancelled.</summary>
    public static async Task RunAsync(int callerPort, int agentPort, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Registered after Kestrel's default factory, so it is the one resolved, as in the gateway.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(
            new LargeBlockMemoryPoolFactory(RelayHttp2Settings.GatewayReceiveBlockBytes, RelayHttp2Settings.GatewayRetainedBlocks));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, callerPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, agentPort, listen => listen.Protocols = HttpProtocols.Http2);
            // Bodies of a GiB and more in both directions, on a loopback that never trickles.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.Http2.InitialConnectionWindowSize = RelayHttp2Settings.GatewayConnectionWindowBytes;
            kestrel.Limits.Http2.InitialStreamWindowSize = RelayHttp2Settings.GatewayStreamWindowBytes;
            kestrel.Limits.Http2.MaxFrameSize = RelayHttp2Settings.GatewayMaxFrameBytes;
        });
        await using var app = builder.Build();
        var calls = new ParkedCalls();
        // One terminal handler, split by the listener a request came in on: callers can never reach /bulk.
        var stopping = app.Lifetime.ApplicationStopping;
        app.Run(context => context.Connection.LocalPort == agentPort
            ? ServeAgentAsync(context, calls, stopping)
            : ServeCallerAsync(context, calls));
        await app.StartAsync(ct);
        Console.WriteLine($"dotnet-h2 gateway side: callers on :{callerPort} (HTTP/1.1), agent side on :{agentPort} (h2c)");
        await app.WaitForShutdownAsync(ct);
    }

    private static async Task ServeCallerAsync(HttpContext caller, ParkedCalls calls)
    {
        var call = calls.Park(caller);
        try
        {
            await call.Answered.WaitAsync(caller.RequestAborted);
        }
        finally
        {
            calls.Remove(call);
        }
    }

    private static Task ServeAgentAsync(HttpContext context, ParkedCalls calls, CancellationToken stopping)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == NoticesPath && HttpMethods.IsGet(context.Request.Method))
        {
            return WriteNoticesAsync(context, calls, stopping);
        }

        if (path.StartsWith(CallPathPrefix, StringComparison.Ordinal) && calls.Find(path[CallPathPrefix.Length..]) is { } call)
        {
            if (HttpMethods.IsGet(context.Request.Method))
            {
                return SendCallerBodyAsync(context, call);
            }

            if (HttpMethods.IsPost(context.Request.Method))
            {
                return AnswerCallerAsync(context, call);
            }
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    // One long response per agent side: a line per parked call, flushed as soon as the queue is drained. It ends with the
    // process, so that stopping does not wait out Kestrel's shutdown timeout.
    private static async Task WriteNoticesAsync(HttpContext context, ParkedCalls calls, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(ct);
        await context.Response.Body.FlushAsync(ct);
        try
        {
            while (await calls.Notices.WaitToReadAsync(ct))
            {
                while (calls.Notices.TryRead(out var notice))
                {
                    await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(notice.Format() + "\n"), ct);
                }

                await context.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The agent side went away; the bench is ending.
        }
    }

    // Upload: the caller's request body becomes the raw body of the agent side's GET /bulk/{id} response.
    private static async Task SendCallerBodyAsync(HttpContext context, ParkedCall call)
    {
        context.Response.ContentLength = call.Caller.Request.ContentLength;
        context.Response.ContentType = call.Caller.Request.ContentType;
        try
        {
            await BodyCopy.CopyAsync(call.Caller.Request, context.Response, context.RequestAborted);
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }
    }

    // The upstream's answer: status from a header, type and length as sent, the raw request body into the caller's response.
    private static async Task AnswerCallerAsync(HttpContext context, ParkedCall call)
    {
        var response = call.Caller.Response;
        try
        {
            response.StatusCode = int.Parse(context.Request.Headers[StatusHeader].ToString(), CultureInfo.InvariantCulture);
            response.ContentType = context.Request.ContentType;
            response.ContentLength = context.Request.ContentLength;
            await BodyCopy.CopyAsync(context.Request, response, call.Caller.RequestAborted);
            call.Complete();
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
