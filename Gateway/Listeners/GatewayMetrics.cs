using System.Diagnostics.Metrics;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The gateway's instruments, defined once (the gauges' names too; <c>Operations/GatewayGauges</c> creates them). Names are the Prometheus series names without the suffixes the
/// exporter adds (<c>_total</c> for counters, the unit for histograms); docs/operations.md lists the series.
/// </summary>
internal sealed class GatewayMetrics
{
    /// <summary>Name of the gateway's meter.</summary>
    public const string MeterName = "Plural.Gateway";

    /// <summary>Agent sessions open on this gateway.</summary>
    public const string AgentsConnected = "plural_gateway_agents_connected";

    /// <summary>Idle tunnel streams parked on this gateway, all agents together.</summary>
    public const string TunnelsIdle = "plural_gateway_tunnels_idle";

    /// <summary>Requests carried to agents, by HTTP status (exported as <c>_total</c>).</summary>
    public const string TunnelRequests = "plural_gateway_tunnel_requests";

    /// <summary>Duration of requests carried to agents, in seconds (exported as <c>_seconds</c>).</summary>
    public const string TunnelRequestDuration = "plural_gateway_tunnel_request_duration";

    /// <summary>Body bytes carried to and from agents, by direction (exported as <c>_total</c>).</summary>
    public const string TunnelBytes = "plural_gateway_tunnel_bytes";

    /// <summary>Open <c>/cable</c> connections (subscribers).</summary>
    public const string CableConnections = "plural_gateway_cable_connections";

    /// <summary>Agent topics this gateway holds a stream subscription for.</summary>
    public const string CableTopics = "plural_gateway_cable_topics";

    /// <summary>Requests being served (users, peers, ServerApi), as the drain waits for them.</summary>
    public const string RequestsInFlight = "plural_gateway_requests_in_flight";

    /// <summary>1 while the gateway drains, else 0.</summary>
    public const string Draining = "plural_gateway_draining";

    /// <summary>Messages this gateway published to Orleans streams, by stream namespace (exported as <c>_total</c>).</summary>
    public const string StreamMessagesPublished = "plural_gateway_stream_messages_published";

    /// <summary>Audit records dropped from one copy because its queue was full, by copy (exported as <c>_total</c>); the log keeps them all.</summary>
    public const string AuditRecordsDropped = "plural_gateway_audit_records_dropped";

    /// <summary>The <c>copy</c> tag of records dropped from the JSON-lines export.</summary>
    public const string AuditCopyExport = "export";

    /// <summary>The <c>copy</c> tag of records dropped from the per-agent grains' buffer.</summary>
    public const string AuditCopyGrains = "grains";

    // Seconds, from a cached-object answer to a long upload; the default buckets are for milliseconds.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _published;
    private readonly Counter<long> _auditDropped;

    /// <summary>Creates the counters; the gauges, which read other rooms' registries, are created by the scrape endpoint's room.</summary>
    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>(TunnelRequests, description: "Requests carried to agents, by HTTP status.");
        _duration = meter.CreateHistogram(TunnelRequestDuration, unit: "s", description: "Duration of requests carried to agents.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _bytes = meter.CreateCounter<long>(TunnelBytes, unit: "By", description: "Body bytes carried to (up) and from (down) agents.");
        _published = meter.CreateCounter<long>(StreamMessagesPublished, description: "Messages published to Orleans streams, by stream namespace.");
        _auditDropped = meter.CreateCounter<long>(AuditRecordsDropped, description: "Audit records dropped from the export or the grains' buffer because it was full.");
    }

    /// <summary>Records one audit record dropped from <paramref name="copy"/> (<see cref="AuditCopyExport"/> or <see cref="AuditCopyGrains"/>).</summary>
    public void RecordAuditDropped(string copy) => _auditDropped.Add(1, new KeyValuePair<string, object?>("copy", copy));

    /// <summary>Records <paramref name="count"/> messages published to streams of <paramref name="streamNamespace"/>.</summary>
    public void RecordStreamMessages(string streamNamespace, int count) =>
        _published.Add(count, new KeyValuePair<string, object?>("stream", streamNamespace));

    /// <summary>Records one finished request to an agent.</summary>
    public void RecordTunnelRequest(string route, int status, TimeSpan duration, long bytesToAgent, long bytesFromAgent)
    {
        var statusTag = new KeyValuePair<string, object?>("status", status);
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _requests.Add(1, statusTag, routeTag);
        _duration.Record(duration.TotalSeconds, statusTag, routeTag);
        _bytes.Add(bytesToAgent, new KeyValuePair<string, object?>("direction", "to_agent"), routeTag);
        _bytes.Add(bytesFromAgent, new KeyValuePair<string, object?>("direction", "from_agent"), routeTag);
    }
}
