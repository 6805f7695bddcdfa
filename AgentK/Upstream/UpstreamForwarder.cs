using Microsoft.Extensions.Options;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Upstream;

/// <summary>Turns a tunnel request head into a request to the upstream and sends it.</summary>
/// <remarks>
/// Impersonated requests go through a second, HTTP/1.1-only client that can write repeated header lines, because
/// Kubernetes reads every <c>Impersonate-Group</c> line as one group.
/// </remarks>
internal sealed class UpstreamForwarder(
    IOptions<UpstreamOptions> options,
    UpstreamCredentials credentials,
    HttpMessageInvoker client,
    HttpMessageInvoker impersonatingClient)
{
    // Set on the few requests that carry repeated header lines, so the hot path needs no scan of the headers.
    private static readonly HttpRequestOptionsKey<bool> RepeatedLines = new("plural.repeated-header-lines");

    private readonly string _baseUrl = options.Value.Url.TrimEnd('/');

    /// <summary>Builds the upstream request; throws <see cref="RequestRejectedException"/> for a head the agent will not send.</summary>
    public HttpRequestMessage CreateRequest(RequestHead head, HttpContent? content)
    {
        // A path not starting with '/' could change the authority ("@evil.example/") once appended.
        if (!head.Path.StartsWith('/'))
        {
            throw new RequestRejectedException("the request path must start with '/'");
        }

        HttpMethod method;
        try
        {
            method = new HttpMethod(head.Method);
        }
        catch (FormatException)
        {
            throw new RequestRejectedException("the request method is not a valid HTTP method");
        }

        var url = head.Query.Length == 0 ? _baseUrl + head.Path : $"{_baseUrl}{head.Path}?{head.Query}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new RequestRejectedException("the request path and query do not form a valid URL");
        }

        var request = new HttpRequestMessage(method, uri)
        {
            Content = content,
            Version = System.Net.HttpVersion.Version11,
            // HTTP/2 when the upstream offers it over TLS (many watches on one connection), HTTP/1.1 otherwise;
            // a switch of protocols (exec, port-forward) exists only in HTTP/1.1.
            VersionPolicy = head.Upgrade ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrHigher,
        };
        var repeated = TunnelHeaders.CopyToRequest(head, request);
        if (head.Impersonation is { } identity)
        {
            // The caller's repeated lines were dropped with its Impersonate-* headers; the identity's may replace them.
            repeated = ImpersonationHeaders.Apply(identity, request);
        }

        if (repeated)
        {
            request.Options.Set(RepeatedLines, true);
        }

        UpstreamTraceContext.Write(head, request);
        request.Headers.Authorization = credentials.Current();
        return request;
    }

    /// <summary>Sends the request; completes once the response headers arrived, the body streams afterwards.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RepeatedLines, out var repeated) || !repeated)
        {
            return client.SendAsync(request, cancellationToken);
        }

        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return impersonatingClient.SendAsync(request, cancellationToken);
    }
}
