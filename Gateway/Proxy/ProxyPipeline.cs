using Microsoft.AspNetCore.Http.Features;

namespace Plural.Gateway.Proxy;

/// <summary>
/// A proxied request as steps run in order, each of which answers and stops or passes the request on. Before the
/// first step, each body is wrapped once in an <see cref="ObservedStream"/> whose counters every step reads, and the
/// switch of protocols hands out a connection that counts on those same bodies (<see cref="CountingUpgradeFeature"/>).
/// </summary>
internal sealed class ProxyPipeline(TimeProvider clock, IReadOnlyList<IProxyStep> steps)
{
    /// <summary>The steps, first to last.</summary>
    public IReadOnlyList<IProxyStep> Steps => steps;

    /// <summary>Runs the steps for a request to <paramref name="agent"/> on the route that starts with <paramref name="routePrefix"/>.</summary>
    public async Task RunAsync(HttpContext http, string agent, PathString routePrefix)
    {
        // The raw remainder keeps escaped slashes and the exact spelling the caller used.
        http.Request.Path.StartsWithSegments(routePrefix, out var rest);
        var path = rest.HasValue ? rest.ToUriComponent() : "/";
        var requestBody = new ObservedStream(http.Request.Body, clock);
        http.Request.Body = requestBody;
        var originalResponseBody = http.Features.Get<IHttpResponseBodyFeature>()!;
        var responseBody = new ObservedStream(originalResponseBody.Stream, clock);
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody, originalResponseBody));
        var originalUpgrade = http.Features.Get<IHttpUpgradeFeature>();
        if (originalUpgrade is not null)
        {
            http.Features.Set<IHttpUpgradeFeature>(new CountingUpgradeFeature(originalUpgrade, requestBody, responseBody));
        }

        try
        {
            await RunAsync(0, new ProxyContext(http, agent, path, requestBody, responseBody));
        }
        finally
        {
            http.Features.Set(originalResponseBody);
            http.Features.Set(originalUpgrade);
        }
    }

    private Task RunAsync(int step, ProxyContext context) =>
        step == steps.Count ? Task.CompletedTask : steps[step].InvokeAsync(context, next => RunAsync(step + 1, next));
}
