using System.Diagnostics;
using Plural.Gateway.Listeners;
using Plural.Protocol.Tunnels;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The first step: the gateway's server span of a proxied request, a child of the caller's <c>traceparent</c> when it
/// sent one, named after the route and tagged with the agent, the route and the status. The tunnel and the peer hop
/// carry it on, so the agent's spans join the same trace. Only the method, route, path and status are recorded: never
/// a header, so no credential reaches a span.
/// </summary>
/// <remarks>
/// Written here rather than with ASP.NET Core's instrumentation, which would record every request of every listener,
/// agents' hours-long tunnel streams and <c>/cable</c> sockets included, and knows neither the agent nor the route.
/// </remarks>
internal sealed class TraceStep(GatewayIdentity gateway) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        // No exporter, no listener: nothing is parsed, allocated or started.
        if (!GatewayTracing.Source.HasListeners()
            || context.Http.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteMetadata>() is not { } route)
        {
            await next(context);
            return;
        }

        var http = context.Http;
        var headers = http.Request.Headers;
        ActivityContext.TryParse(headers[TraceContextHeaders.TraceParent].ToString(), headers[TraceContextHeaders.TraceState].ToString(),
            isRemote: true, out var parent);
        var template = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? route.Name;
        // ASP.NET Core's own request activity is never exported: a span under it would name a parent no backend has.
        // Without a caller's context the span starts a trace of its own.
        Activity.Current = null;
        using var span = GatewayTracing.Source.StartActivity($"{http.Request.Method} {template}", ActivityKind.Server, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("http.request.method", http.Request.Method);
            span.SetTag("http.route", template);
            span.SetTag("url.path", context.Path);
            span.SetTag(GatewayTracing.RouteNameAttribute, route.Name);
            span.SetTag(GatewayTracing.AgentAttribute, context.Agent);
            span.SetTag(GatewayTracing.GatewayAttribute, gateway.Id);
        }

        try
        {
            await next(context);
        }
        finally
        {
            if (span is { IsAllDataRequested: true })
            {
                var status = http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted
                    ? MeasureStep.ClientClosedRequest
                    : http.Response.StatusCode;
                span.SetTag("http.response.status_code", status);
                if (status >= 500)
                {
                    span.SetStatus(ActivityStatusCode.Error);
                }
            }
        }
    }
}
