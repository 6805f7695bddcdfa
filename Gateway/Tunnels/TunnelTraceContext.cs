using System.Diagnostics;
using Plural.Gateway.Listeners;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

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

        head.TraceParent = callerHeaders[TraceContextHeaders.TraceParent].ToString();
        head.TraceState = callerHeaders[TraceContextHeaders.TraceState].ToString();
    }

    /// <summary>Replaces the caller's trace context headers on a request to a peer with <paramref name="span"/>'s.</summary>
    public static void Write(Activity span, System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        headers.Remove(TraceContextHeaders.TraceParent);
        headers.Remove(TraceContextHeaders.TraceState);
        headers.TryAddWithoutValidation(TraceContextHeaders.TraceParent, span.Id);
        if (!string.IsNullOrEmpty(span.TraceStateString))
        {
            headers.TryAddWithoutValidation(TraceContextHeaders.TraceState, span.TraceStateString);
        }
    }
}
