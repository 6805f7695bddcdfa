using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>An in-process HTTP/1.1 server standing in for the Kubernetes API server.</summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<FakeUpstream> StartAsync(RequestDelegate handler)
    {
        var builder = LoopbackServer.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.Use(async (context, next) =>
        {
            upstream.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            await next(context);
        });
        app.Run(handler);
        upstream.Address = await LoopbackServer.StartAsync(app);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, Dictionary<string, string> Headers);
