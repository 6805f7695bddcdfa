using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Streaming.Spdy;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// An exec or attach session over SPDY: the client opens one stream per standard stream, each marked
/// with a <c>streamType</c> header (error, stdin, stdout, stderr, resize). The session starts when all
/// the streams the request implies are there, or fails after the stream creation timeout.
/// </summary>
internal sealed partial class SpdyRemoteCommandChannel : IRemoteCommandChannel, ISpdyStreamAcceptor
{
    private static readonly HashSet<string> StreamTypes = ["error", "stdin", "stdout", "stderr", "resize"];

    private readonly SpdyConnection _connection;
    private readonly bool _jsonStatus;
    private readonly HashSet<string> _expected;
    private readonly Dictionary<string, SpdyStream> _streams = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private Task _run = Task.CompletedTask;

    private SpdyRemoteCommandChannel(SpdyConnection connection, RemoteCommandRequest request, string protocol, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
        // v2 and v3 report failures as text; v4 and v5 (the same on SPDY) as a JSON Status.
        _jsonStatus = protocol is "v4.channel.k8s.io" or "v5.channel.k8s.io";
        _expected = ["error"];
        if (request.Stdin) _expected.Add("stdin");
        if (request.Stdout) _expected.Add("stdout");
        if (request.Stderr) _expected.Add("stderr");
        if (request.Tty && protocol != "channel.k8s.io" && protocol != "v2.channel.k8s.io") _expected.Add("resize");
    }

    public Stream? Stdin => Get("stdin");

    public Stream? Stdout => Get("stdout");

    public Stream? Stderr => Get("stderr");

    public CancellationToken ClientGone => _connection.Closed;

    /// <summary>Runs the connection and waits for the session's streams; null when they did not all come in time.</summary>
    public static async Task<SpdyRemoteCommandChannel?> OpenAsync(Stream transport, RemoteCommandRequest request, string protocol, StreamingTimeouts timeouts, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = new SpdyConnection(transport, timeouts.KeepAlive, logger);
        var channel = new SpdyRemoteCommandChannel(connection, request, protocol, logger);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, channel._stop.Token);
        channel._run = RunAndReleaseAsync(connection, channel, linked);
        var expired = Task.Delay(timeouts.StreamCreation, cancellationToken);
        var first = await Task.WhenAny(channel._ready.Task, expired, channel._run);
        if (first == channel._ready.Task) return channel;
        if (first == expired && !cancellationToken.IsCancellationRequested) LogStreamsMissing(logger, timeouts.StreamCreation, string.Join(", ", channel._expected.Except(channel.Received())));
        await channel.DisposeAsync();
        return null;
    }

    public string? Validate(IReadOnlyDictionary<string, string> headers)
    {
        var type = headers.TryGetValue("streamtype", out var t) ? t : "";
        if (!StreamTypes.Contains(type)) return $"unexpected stream type \"{type}\"";
        lock (_streams)
        {
            return _streams.ContainsKey(type) ? $"a {type} stream already exists" : null;
        }
    }

    public void Accepted(SpdyStream stream)
    {
        var type = stream.Header("streamtype")!;
        // The client never writes on the error stream, and resize messages change nothing here.
        if (type is "error" or "resize") stream.DiscardInbound();
        lock (_streams)
        {
            _streams[type] = stream;
            if (_expected.IsSubsetOf(_streams.Keys)) _ready.TrySetResult();
        }
    }

    public async Task WriteStatusAsync(ExitStatus status, CancellationToken cancellationToken)
    {
        var body = _jsonStatus ? status.ToJson() : status.ToText();
        if (body.Length > 0 && Get("error") is { } error) await error.WriteAsync(body, cancellationToken);
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        List<SpdyStream> streams;
        lock (_streams) streams = [.. _streams.Values];
        foreach (var stream in streams)
        {
            stream.DiscardInbound();
            await stream.CloseWriteAsync(cancellationToken);
        }
        // kubectl closes the connection once it has read every stream to its end.
        await Task.WhenAny(_run, Task.Delay(StreamingLimits.FinishTimeout, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.GoAwayAsync();
        await _stop.CancelAsync();
        await _run;
        await _connection.DisposeAsync();
    }

    private SpdyStream? Get(string type)
    {
        lock (_streams) return _streams.GetValueOrDefault(type);
    }

    private List<string> Received()
    {
        lock (_streams) return [.. _streams.Keys];
    }

    private static async Task RunAndReleaseAsync(SpdyConnection connection, SpdyRemoteCommandChannel channel, CancellationTokenSource linked)
    {
        using (linked) await connection.RunAsync(channel, linked.Token);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timed out after {Timeout} waiting for the client to create streams; missing: {Missing}")]
    private static partial void LogStreamsMissing(ILogger logger, TimeSpan timeout, string missing);
}
