using System.Diagnostics;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Measures the whole request, refusals included: status, duration and body bytes each way, under the name its
/// endpoint's <see cref="ProxyRouteMetadata"/> gives. An upgraded connection (exec, port-forward) is measured when it
/// closes, with the bytes it carried each way.
/// </summary>
internal sealed class MeasureStep(GatewayMetrics metrics) : IProxyStep
{
    /// <summary>The status recorded for a caller that left before any status was sent (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        if (context.Http.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteMetadata>() is not { } route)
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var http = context.Http;
            var status = http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted ? ClientClosedRequest : http.Response.StatusCode;
            metrics.RecordTunnelRequest(route.Name, status, Stopwatch.GetElapsedTime(started), context.RequestBody.Bytes, context.ResponseBody.Bytes);
        }
    }
}
