namespace Plural.Protocol.Tunnels;

/// <summary>
/// The W3C trace context headers (https://www.w3.org/TR/trace-context/). A tunnelled request carries them in its head's
/// <c>trace_parent</c> and <c>trace_state</c> fields instead, so gateways and agents drop the caller's copies and set
/// their own where a request leaves them.
/// </summary>
public static class TraceContextHeaders
{
    /// <summary>The trace context header.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The vendor trace state that goes with <see cref="TraceParent"/>.</summary>
    public const string TraceState = "tracestate";

    /// <summary>True for either header, in any case.</summary>
    public static bool Contains(string name) =>
        name.Equals(TraceParent, StringComparison.OrdinalIgnoreCase) || name.Equals(TraceState, StringComparison.OrdinalIgnoreCase);
}
