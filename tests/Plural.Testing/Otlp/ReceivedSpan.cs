namespace Plural.Testing.Otlp;

/// <summary>One span as an OTLP exporter sent it, with the <c>service.name</c> of the process that recorded it.</summary>
/// <param name="Service">The resource's <c>service.name</c>.</param>
/// <param name="TraceId">Lower-case hex, as in a <c>traceparent</c>.</param>
/// <param name="SpanId">Lower-case hex.</param>
/// <param name="ParentSpanId">Lower-case hex; empty for a root span.</param>
/// <param name="Name">The span's name.</param>
/// <param name="Kind">Server, client, ...</param>
/// <param name="Attributes">Every attribute, its value as text.</param>
/// <param name="Failed">True when the span's status is an error.</param>
public sealed record ReceivedSpan(
    string Service,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    SpanKind Kind,
    IReadOnlyDictionary<string, string> Attributes,
    bool Failed)
{
    /// <summary>The attribute's text, or null when the span has none of that name.</summary>
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Service} {Kind} \"{Name}\" trace={TraceId} span={SpanId} parent={ParentSpanId} " +
        string.Join(" ", Attributes.Select(a => $"{a.Key}={a.Value}"));
}
