using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Where the proxy reports each request and each upgraded session when it ends: written at once to the structured log
/// (the durable trail, shipped with the gateway's logs), queued for the JSON-lines export when one is configured
/// (<see cref="AuditExporter"/>), and buffered for the per-agent audit grains, which <see cref="AuditFlusher"/> feeds
/// in batches. No request waits for a grain call or a disk.
/// </summary>
internal sealed partial class AuditTrail
{
    private readonly Channel<AuditEvent> _buffer;
    private readonly AuditExportQueue _export;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AuditTrail> _logger;
    private readonly SemaphoreSlim _batchReady = new(0, 1);
    private readonly int _flushAt;
    private long _dropped;
    private int _sinceFlush;
    private int _signalled;

    /// <summary>Creates the trail with a bounded buffer.</summary>
    public AuditTrail(IOptions<AuditOptions> options, AuditExportQueue export, GatewayMetrics metrics, ILogger<AuditTrail> logger)
    {
        _export = export;
        _metrics = metrics;
        _logger = logger;
        // A quarter of the buffer, or a batch, goes to the grains at once: under load the buffer never fills between two
        // timed flushes, and events spend milliseconds in memory instead of a second (where the GC would promote them).
        _flushAt = Math.Clamp(options.Value.BufferCapacity / 4, 1, AuditFlusher.MaxBatch);
        _buffer = Channel.CreateBounded<AuditEvent>(
            new BoundedChannelOptions(options.Value.BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                _metrics.RecordAuditDropped(GatewayMetrics.AuditCopyGrains);
            });
    }

    /// <summary>Events dropped from the grains' copy because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<AuditEvent> Buffered => _buffer.Reader;

    /// <summary>
    /// Waits until <paramref name="interval"/> has passed or a quarter of the buffer (at most
    /// <see cref="AuditFlusher.MaxBatch"/> events) has filled since the last call,
    /// whichever comes first; the caller then takes what is buffered.
    /// </summary>
    internal async Task WaitForFlushAsync(TimeSpan interval, CancellationToken ct)
    {
        if (await _batchReady.WaitAsync(interval, ct))
        {
            // Cleared only once the signal was taken, so the semaphore never holds more than the one it allows.
            Volatile.Write(ref _signalled, 0);
        }

        Interlocked.Exchange(ref _sinceFlush, 0);
    }

    /// <summary>Records one request; never blocks.</summary>
    /// <param name="e">The request.</param>
    /// <param name="keepPerAgent">
    /// False to write it to the log and the export only: a refused request may name any agent at all, and must not
    /// create audit state for names that a caller made up.
    /// </param>
    public void Record(AuditEvent e, bool keepPerAgent)
    {
        var r = e.Request;
        var identity = e.ClusterIdentity;
        var session = e.Session;
        LogRequest(_logger, e.RequestId, e.Gateway, e.Route, e.CallerKind, e.Agent, e.User, string.Join(',', e.Groups),
            identity?.Mode.ToString() ?? "", identity?.User ?? "", identity is null ? "" : string.Join(',', identity.Groups),
            r.Verb, r.ApiGroup, r.Resource, r.Subresource, r.Namespace, r.Name, r.NonResourcePath,
            session is null ? "" : string.Join(' ', session.Command), session?.Container ?? "", session is null ? "" : string.Join(',', session.Ports),
            e.Status, e.Duration.TotalMilliseconds, e.BytesIn, e.BytesOut);
        _export.TryAdd(e);
        if (keepPerAgent)
        {
            _buffer.Writer.TryWrite(e);
            if (Interlocked.Increment(ref _sinceFlush) >= _flushAt && Interlocked.CompareExchange(ref _signalled, 1, 0) == 0)
            {
                _batchReady.Release();
            }
        }
    }

    // The text up to the verb reads as it did before the caller kind, route and identity were added, so that searches
    // for "user <name>" keep working.
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message =
        "Audit {RequestId} on {Gateway}: user {User} (groups {Groups}) {Verb} agent {AgentName} by {CallerKind} on {Route} " +
        "as {ClusterIdentityMode} {ClusterUser} (groups {ClusterGroups}) group {ApiGroup} resource {Resource} " +
        "subresource {Subresource} namespace {Namespace} name {Name} path {NonResourcePath} command {Command} " +
        "container {Container} ports {Ports} -> {Status} in {DurationMs} ms, {BytesIn} bytes in, {BytesOut} bytes out")]
    private static partial void LogRequest(ILogger logger, string requestId, string gateway, string route, string callerKind, string agentName,
        string user, string groups, string clusterIdentityMode, string clusterUser, string clusterGroups, string verb, string apiGroup,
        string resource, string subresource, string @namespace, string name, string nonResourcePath, string command, string container,
        string ports, int status, double durationMs, long bytesIn, long bytesOut);
}
