using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Plural.Gateway.Listeners;
using Plural.Gateway.Proxy;

namespace Plural.Gateway.Operations;

/// <summary>
/// Measures requests on the routes that lead to agents (<c>/agents/{agent}/proxy</c>, <c>/k8s-proxy</c>): status,
/// duration, and body bytes each way, counted as they pass so that streamed bodies are never buffered. Bytes of
/// upgraded connections (exec, port-forward) are not counted.
/// </summary>
internal sealed class TunnelMetricsMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    private static readonly PathString AgentsPrefix = AgentProxyEndpoint.Prefix;
    private static readonly PathString KubernetesPrefix = KubernetesProxyEndpoint.Prefix;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var route = path.StartsWithSegments(KubernetesPrefix) ? "k8s-proxy"
            : path.StartsWithSegments(AgentsPrefix) && path.Value!.Contains("/proxy", StringComparison.Ordinal) ? "agents"
            : null;
        if (route is null)
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var requestBody = new CountingStream(context.Request.Body);
        context.Request.Body = requestBody;
        var originalResponse = context.Features.Get<IHttpResponseBodyFeature>()!;
        var responseBody = new CountingStream(originalResponse.Stream);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody, originalResponse));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(originalResponse);
            metrics.RecordTunnelRequest(route, context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started), requestBody.Count, responseBody.Count);
        }
    }
}
