using System.Diagnostics;
using Plural.AgentK.Observability;
using Plural.AgentK.Upstream;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tunnels;

/// <summary>
/// Starts the agent's spans of one tunnelled request: the server span, a child of the gateway's span named in the
/// head, and the client span of the upstream call under it. Only the method, path, request id and status are recorded;
/// never a header, so neither the caller's nor the agent's credentials reach a span.
/// </summary>
internal static class TunnelSpans
{
    /// <summary>The request's server span; null when the agent records no spans.</summary>
    public static Activity? StartRequest(RequestHead head)
    {
        // No exporter, no listener: the head's context is not even parsed.
        if (!AgentTracing.Source.HasListeners())
        {
            return null;
        }

        var (parent, state) = UpstreamTraceContext.Of(head);
        ActivityContext.TryParse(parent, state, isRemote: true, out var context);
        // Each request of a reused stream is its own trace's child, never the previous request's.
        Activity.Current = null;
        var span = AgentTracing.Source.StartActivity("tunnel " + head.Method, ActivityKind.Server, context);
        Describe(span, head);
        return span;
    }

    /// <summary>The upstream call's client span, a child of the current request span; null when none is recorded.</summary>
    public static Activity? StartUpstream(RequestHead head)
    {
        var span = AgentTracing.Source.HasListeners() ? AgentTracing.Source.StartActivity("upstream " + head.Method, ActivityKind.Client) : null;
        Describe(span, head);
        return span;
    }

    /// <summary>Records the status the upstream answered on the span and, when given, on the request's span.</summary>
    public static void Answered(Activity? span, Activity? request, int status)
    {
        foreach (var each in (ReadOnlySpan<Activity?>)[span, request])
        {
            if (each is { IsAllDataRequested: true })
            {
                each.SetTag("http.response.status_code", status);
                if (status >= 500)
                {
                    each.SetStatus(ActivityStatusCode.Error);
                }
            }
        }
    }

    /// <summary>Marks a span failed with a reason that names no credential (a tunnel error code and its message).</summary>
    public static void Failed(Activity? span, string reason)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetStatus(ActivityStatusCode.Error, reason);
        }
    }

    private static void Describe(Activity? span, RequestHead head)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("http.request.method", head.Method);
            span.SetTag("url.path", head.Path);
            span.SetTag("plural.request_id", head.RequestId);
            span.SetTag("plural.target", head.Target == RequestTarget.Agent ? "agent" : "upstream");
        }
    }
}
