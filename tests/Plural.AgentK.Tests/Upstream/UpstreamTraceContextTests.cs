using System.Diagnostics;
using Plural.AgentK.Upstream;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Upstream;

/// <summary>
/// What trace context the API server gets from an agent that records no spans: the one the gateway handed down, from
/// the head's field or, from a gateway older than that field, from the caller's headers; never the caller's own copy
/// next to the gateway's.
/// </summary>
public sealed class UpstreamTraceContextTests
{
    private const string GatewaySpan = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string CallerSpan = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public void The_heads_trace_parent_goes_upstream_and_the_callers_header_does_not()
    {
        var head = Head(CallerSpan);
        head.TraceParent = GatewaySpan;
        head.TraceState = "vendor=gateway";
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://upstream/api");

        TunnelHeaders.CopyToRequest(head, request);
        UpstreamTraceContext.Write(head, request);

        Assert.Equal([GatewaySpan], request.Headers.GetValues("traceparent"));
        Assert.Equal(["vendor=gateway"], request.Headers.GetValues("tracestate"));
        Assert.Equal(["application/json"], request.Headers.GetValues("Accept"));
    }

    [Fact]
    public void From_a_gateway_without_the_field_the_callers_traceparent_header_is_the_context()
    {
        var head = Head(CallerSpan);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://upstream/api");

        TunnelHeaders.CopyToRequest(head, request);
        UpstreamTraceContext.Write(head, request);

        Assert.Equal((CallerSpan, ""), UpstreamTraceContext.Of(head));
        Assert.Equal([CallerSpan], request.Headers.GetValues("traceparent"));
    }

    [Fact]
    public void A_request_without_any_context_gets_none()
    {
        var head = new RequestHead { Method = "GET", Path = "/api" };
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://upstream/api");

        UpstreamTraceContext.Write(head, request);

        Assert.Null(Activity.Current);
        Assert.False(request.Headers.Contains("traceparent"));
    }

    private static RequestHead Head(string callersTraceParent) => new()
    {
        Method = "GET",
        Path = "/api",
        Headers =
        {
            new HeaderField { Name = "Accept", Values = { "application/json" } },
            new HeaderField { Name = "traceparent", Values = { callersTraceParent } },
        },
    };
}
