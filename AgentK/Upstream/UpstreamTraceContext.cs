using System.Diagnostics;
using Plural.Protocol.Agent;
using Plural.Protocol.Tunnels;

namespace Plural.AgentK.Upstream;

/// <summary>
/// The W3C trace context of a tunnelled request: where it comes from (the head's <c>trace_parent</c>; an older
/// gateway sends the caller's <c>traceparent</c> header instead) and what the upstream gets, so the API server's own
/// spans, when it records any, join the caller's trace.
/// </summary>
internal static class UpstreamTraceContext
{
    /// <summary>The trace context the gateway handed down; empty strings when there is none.</summary>
    public static (string Parent, string State) Of(RequestHead head)
    {
        if (head.TraceParent.Length > 0)
        {
            return (head.TraceParent, head.TraceState);
        }

        string parent = "", state = "";
        foreach (var field in head.Headers)
        {
            if (field.Values.Count == 0)
            {
                continue;
            }

            if (field.Name.Equals(TraceContextHeaders.TraceParent, StringComparison.OrdinalIgnoreCase))
            {
                parent = field.Values[0];
            }
            else if (field.Name.Equals(TraceContextHeaders.TraceState, StringComparison.OrdinalIgnoreCase))
            {
                state = field.Values[0];
            }
        }

        return (parent, state);
    }

    /// <summary>
    /// Sets the upstream request's trace context: the current span (the agent's upstream call) when the agent records
    /// spans, else the context the gateway handed down, unchanged.
    /// </summary>
    public static void Write(RequestHead head, HttpRequestMessage request)
    {
        var (parent, state) = Activity.Current is { } span ? (span.Id ?? "", span.TraceStateString ?? "") : Of(head);
        if (parent.Length == 0)
        {
            return;
        }

        request.Headers.TryAddWithoutValidation(TraceContextHeaders.TraceParent, parent);
        if (state.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(TraceContextHeaders.TraceState, state);
        }
    }
}
