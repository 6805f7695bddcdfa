using System.Diagnostics;
using Plural.Gateway.Listeners;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// The W3C trace context a request carries to the agent in its head (<c>trace_parent</c>, <c>trace_state</c>) and to a
/// peer gateway in its headers: this gateway's current span when it records spans, else the caller's own
/// <c>traceparent</c> unchanged, so a caller's trace continues even through a gateway that exports nothing.
/// </summary>
internal static class TunnelTraceContext
{
    /// <summary>Sets the head's trace context from the current span, or from the caller's headers.</summary>
    public static void Write(IHeaderDictionary callerHeaders, RequestHead head)
    {
        if (Activity.Current is { } span && GatewayTracing.IsOwn(span))
        {
            head.TraceParent = span.Id ?? "";
            head.TraceState = span.TraceStateString ?? "";
            return;
        }

        head.TraceParent = callerHeaders[GatewayTracing.TraceParentHeader].ToString();
        head.TraceState = callerHeaders[GatewayTracing.TraceStateHeader].ToString();
    }

    /// <summary>Replaces the caller's trace context headers on a request to a peer with <paramref name="span"/>'s.</summary>
    public static void Write(Activity span, System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        headers.Remove(GatewayTracing.TraceParentHeader);
        headers.Remove(GatewayTracing.TraceStateHeader);
        headers.TryAddWithoutValidation(GatewayTracing.TraceParentHeader, span.Id);
        if (!string.IsNullOrEmpty(span.TraceStateString))
        {
            headers.TryAddWithoutValidation(GatewayTracing.TraceStateHeader, span.TraceStateString);
        }
    }
}
