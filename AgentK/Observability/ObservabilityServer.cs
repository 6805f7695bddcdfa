using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Observability;

/// <summary>
/// A small listener of its own for <c>/healthz</c>, <c>/readyz</c>, <c>/status</c> and <c>/metrics</c> (Prometheus:
/// <c>plural_build_info</c>, <c>plural_agent_connected</c>, <c>plural_agent_tunnels</c>). It is a
/// separate, empty web application so that a process co-hosting the agent keeps its own endpoints
/// and Kestrel configuration untouched.
/// </summary>
internal sealed class ObservabilityServer(IOptions<ObservabilityOptions> options, AgentStatus status, ILogger<ObservabilityServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The addresses actually bound (a port of 0 resolved), once started.</summary>
    public IReadOnlyCollection<string> Addresses => _app?.Urls.ToArray() ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.ObservabilityUrl;
        if (string.IsNullOrEmpty(url))
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(url);
        builder.Services.AddRoutingCore();
        BuildInfoMeter.Ensure();
        builder.Services.AddSingleton(_ => new AgentMeter(status)); // made by the container, so disposed with it
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BuildInfoMeter.Name, AgentMeter.Name)
            .AddPrometheusExporter());
        var app = builder.Build();
        app.Services.GetRequiredService<AgentMeter>();
        // Plain request delegates, not minimal-API handlers: those are compiled from expression trees at start, which
        // loaded System.Linq.Expressions and its generated code into every agent for three fixed answers (issue 19,
        // idle RSS).
        app.MapGet("/healthz", new RequestDelegate(context => Text(context, StatusCodes.Status200OK, "ok")));
        app.MapGet("/readyz", new RequestDelegate(context => status.IsConnected
            ? Text(context, StatusCodes.Status200OK, "ok")
            : Text(context, StatusCodes.Status503ServiceUnavailable, "not connected to a gateway")));
        app.MapGet("/status", new RequestDelegate(context => context.Response.WriteAsJsonAsync(status.Snapshot(), AgentStatusJson.Default.AgentStatusSnapshot, cancellationToken: context.RequestAborted)));
        app.MapPrometheusScrapingEndpoint("/metrics");

        await app.StartAsync(cancellationToken);
        _app = app;
        ObservabilityLog.Listening(logger, string.Join(", ", app.Urls));
    }

    private static Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
