using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Proxy;

/// <summary>
/// Sends a proxied request on to the HTTP server behind a pod and streams the answer back as it comes: each read
/// from the backend is written and flushed at once, so server-sent events and chunked answers are never held back
/// (the API server's proxy flushes them likewise).
/// </summary>
internal sealed class ProxyForwarder : IDisposable
{
    // Hop-by-hop headers end at each hop; the caller's credentials end at the API server, which never passes them on.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Authorization",
    };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>Forwards the request to <paramref name="target"/>; <paramref name="dialAddress"/> is what errors name.</summary>
    public async Task ForwardAsync(HttpContext context, Uri target, string dialAddress)
    {
        var ct = context.RequestAborted;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new StreamContent(context.Request.Body);
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (NotForwarded.Contains(name) || name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase) || name.StartsWith(':')) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, ct);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            var why = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connect: connection refused" : e.Message;
            throw Errors.Unknown($"error trying to reach service: dial tcp {dialAddress}: {why}");
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!NotForwarded.Contains(name)) context.Response.Headers[name] = values.ToArray();
            }
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                await context.Response.Body.FlushAsync(ct);
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
