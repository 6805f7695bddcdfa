using Microsoft.AspNetCore.Http;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>
/// The caller's side of one tunnelled request without a server: a request with optional body, a response captured in
/// memory, trailers, and an abort that the test can observe or trigger.
/// </summary>
internal sealed class ExchangeContext :
    IHttpRequestLifetimeFeature, IHttpResponseTrailersFeature, IHttpRequestBodyDetectionFeature
{
    private readonly CancellationTokenSource _aborted = new();

    public ExchangeContext(string method = "GET", string path = "/api/v1/pods", string? query = null, Stream? body = null)
    {
        Http = new DefaultHttpContext { TraceIdentifier = "req-1" };
        Http.Request.Method = method;
        Http.Request.Path = path;
        if (query is not null)
        {
            Http.Request.QueryString = new QueryString(query);
        }

        CanHaveBody = body is not null;
        Http.Request.Body = body ?? Stream.Null;
        Http.Response.Body = ResponseBody;
        Http.Features.Set<IHttpRequestLifetimeFeature>(this);
        Http.Features.Set<IHttpResponseTrailersFeature>(this);
        Http.Features.Set<IHttpRequestBodyDetectionFeature>(this);
    }

    public DefaultHttpContext Http { get; }

    public MemoryStream ResponseBody { get; } = new();

    public string ResponseText => Encoding.UTF8.GetString(ResponseBody.ToArray());

    public bool Aborted { get; private set; }

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    public bool CanHaveBody { get; }

    CancellationToken IHttpRequestLifetimeFeature.RequestAborted
    {
        get => _aborted.Token;
        set => throw new NotSupportedException();
    }

    /// <summary>The caller goes away.</summary>
    public void CallerLeaves() => _aborted.Cancel();

    public void Abort()
    {
        Aborted = true;
        _aborted.Cancel();
    }
}
