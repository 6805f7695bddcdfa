using System.Text;
using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Proxy;

/// <summary>
/// Serves <c>pods/{name}[:port]/proxy/{path}</c> and <c>services/{name}[:port]/proxy/{path}</c>: any method, the
/// query string as it came, the answer streamed back. Authorization (<c>pods/proxy</c>, <c>services/proxy</c>) has
/// already happened in the middleware, as on the API server.
/// </summary>
internal sealed class WorkloadProxy(ProxyTargets targets, ProxyForwarder forwarder)
{
    public async Task HandleAsync(ApiRequest request)
    {
        var http = request.Http;
        var destination = targets.Resolve(request);
        var proxyPath = request.Path.ProxyPath ?? "";
        if (proxyPath.Length == 0)
        {
            // The API server's own quirk (kubernetes issue 4958): a URL ending at "proxy" is redirected to "proxy/".
            http.Response.StatusCode = 301;
            http.Response.Headers.Location = http.Request.Path.Value + "/" + http.Request.QueryString.Value;
            return;
        }
        var pathAndQuery = proxyPath + http.Request.QueryString.Value;
        if (PodBackends.Find(destination.Pod, destination.Port) is { } backend)
        {
            var target = new Uri(backend.GetLeftPart(UriPartial.Authority) + backend.AbsolutePath.TrimEnd('/') + pathAndQuery);
            await forwarder.ForwardAsync(http, target, destination.DialAddress);
            return;
        }
        // Nothing of its own behind the port: the same answer port-forward's connections get.
        var hello = $"Hello from the kube emulator: pod {destination.Pod.Namespace()}/{destination.Pod.Name()}, port {(destination.Port.Length == 0 ? "80" : destination.Port)}, {http.Request.Method} {pathAndQuery}\n";
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain; charset=utf-8";
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(hello), request.Aborted);
    }
}
