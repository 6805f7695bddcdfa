using System.Threading.Channels;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Where the proxy reports each request: written at once to the structured log (the durable trail, shipped with the
/// gateway's logs) and buffered for the per-agent audit grains, which <see cref="AuditFlusher"/> feeds in batches so
/// that no request waits for a grain call.
/// </summary>
internal sealed partial class AuditTrail
{
    private readonly Channel<AuditEvent> _buffer;
    private readonly ILogger<AuditTrail> _logger;
    private long _dropped;

    /// <summary>Creates the trail with a bounded buffer.</summary>
    public AuditTrail(Microsoft.Extensions.Options.IOptions<AuditOptions> options, ILogger<AuditTrail> logger)
    {
        _logger = logger;
        _buffer = Channel.CreateBounded<AuditEvent>(
            new BoundedChannelOptions(options.Value.BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Events dropped from the grains' copy because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<AuditEvent> Buffered => _buffer.Reader;

    /// <summary>Records one request; never blocks.</summary>
    /// <param name="e">The request.</param>
    /// <param name="keepPerAgent">
    /// False to write it to the log only: a refused request may name any agent at all, and must not create audit state
    /// for names that a caller made up.
    /// </param>
    public void Record(AuditEvent e, bool keepPerAgent)
    {
        var r = e.Request;
        LogRequest(_logger, e.RequestId, e.Gateway, e.Agent, e.User, string.Join(',', e.Groups), r.Verb, r.ApiGroup, r.Resource,
            r.Subresource, r.Namespace, r.Name, r.NonResourcePath, e.Status, e.Duration.TotalMilliseconds, e.BytesIn, e.BytesOut);
        if (keepPerAgent)
        {
            _buffer.Writer.TryWrite(e);
        }
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message =
        "Audit {RequestId} on {Gateway}: user {User} (groups {Groups}) {Verb} agent {AgentName} group {ApiGroup} resource {Resource} " +
        "subresource {Subresource} namespace {Namespace} name {Name} path {NonResourcePath} -> {Status} in {DurationMs} ms, " +
        "{BytesIn} bytes in, {BytesOut} bytes out")]
    private static partial void LogRequest(ILogger logger, string requestId, string gateway, string agentName, string user, string groups,
        string verb, string apiGroup, string resource, string subresource, string @namespace, string name, string nonResourcePath,
        int status, double durationMs, long bytesIn, long bytesOut);
}
