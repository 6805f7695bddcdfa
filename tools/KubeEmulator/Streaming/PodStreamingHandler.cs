using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Controllers;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Streaming.Commands;
using Plural.KubeEmulator.Streaming.PortForward;
using Plural.KubeEmulator.Streaming.RemoteCommand;
using Plural.KubeEmulator.Streaming.Spdy;
using Plural.KubeEmulator.Streaming.WebSockets;

namespace Plural.KubeEmulator.Streaming;

/// <summary>
/// <c>pods/{name}/exec</c>, <c>pods/{name}/attach</c> and <c>pods/{name}/portforward</c>, where the API
/// server and the kubelet meet. The request is checked like the API server does (authorization as
/// <c>create</c>, the pod, the container, that it runs), then upgraded to one of the transports kubectl
/// and client libraries use: WebSocket channels (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>, …),
/// SPDY/3.1 (<c>X-Stream-Protocol-Version</c>), or for port-forward SPDY tunnelled in a WebSocket
/// (<c>SPDY/3.1+portforward.k8s.io</c>).
/// </summary>
internal sealed partial class PodStreamingHandler(
    ObjectService objects,
    KubeEmulatorOptions options,
    ClusterAuthority authority,
    ServiceAccountTokens tokens,
    StreamingSessions sessions,
    TimeProvider time,
    ILogger<PodStreamingHandler> logger)
{
    public static readonly IReadOnlyList<string> Subresources = ["exec", "attach", "portforward"];

    private const string SpdyUpgrade = "SPDY/3.1";
    private const string PortForwardProtocol = "portforward.k8s.io";
    private const string TunnelledPortForwardProtocol = SpdyUpgrade + "+" + PortForwardProtocol;
    private static readonly string[] RemoteCommandProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io"];

    // What the kubelet asks the TokenRequest API for when it projects a pod's token: an hour and seven seconds.
    private const long MountedTokenSeconds = 3607;

    private StreamingTimeouts Timeouts => new(options.StreamCreationTimeout, options.StreamKeepAliveInterval);

    public async Task HandleAsync(ApiRequest request, string subresource)
    {
        var http = request.Http;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
        {
            throw Errors.MethodNotAllowed(http.Request.Method.ToLowerInvariant(), request.Kind.GroupResource);
        }
        var pod = objects.Get(request.Kind, request.Namespace, request.Name);
        if (subresource == "portforward")
        {
            RequireRunning(pod, container: null);
            await PortForwardAsync(request, pod);
            return;
        }
        var command = RemoteCommandRequest.Parse(http.Request.Query, exec: subresource == "exec");
        var container = Container(pod, command.Container);
        RequireRunning(pod, container);
        var context = ContainerContext.Create(pod, container, authority.Pem, MountedToken(pod), time, command.Tty);
        await RemoteCommandAsync(request, subresource, command, context, pod);
    }

    /// <summary>
    /// The token the kubelet projects into the pod for its service account (one hour, the API server's audience), so
    /// a process in the pod acts as <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>; none when the pod or its
    /// account opts out of automounting, or the account does not exist.
    /// </summary>
    private string? MountedToken(JsonObject pod)
    {
        var ns = pod.Namespace() ?? "default";
        var account = objects.Find(BuiltInKinds.ServiceAccount, ns, pod.Str("spec", "serviceAccountName") ?? "default");
        var automount = pod.Bool("spec", "automountServiceAccountToken") ?? account?.Bool("automountServiceAccountToken") ?? true;
        return account is null || !automount
            ? null
            : tokens.Issue(ns, account.Name(), account.Str("metadata", "uid") ?? "", [ServiceAccountTokens.ApiAudience], MountedTokenSeconds).Token;
    }

    private async Task RemoteCommandAsync(ApiRequest request, string subresource, RemoteCommandRequest command, ContainerContext container, JsonObject pod)
    {
        var http = request.Http;
        var aborted = request.Aborted;
        Func<IRemoteCommandChannel, Task> run = subresource == "exec"
            ? channel => ExecSession.RunAsync(channel, command, container, aborted)
            : channel => AttachSession.RunAsync(channel, command, container, Attached(pod, container.Container), aborted);

        if (http.WebSockets.IsWebSocketRequest)
        {
            var protocol = ChannelProtocol.Negotiate(http.WebSockets.WebSocketRequestedProtocols)
                ?? throw Errors.BadRequest($"unable to upgrade: requested protocol(s) are not supported: [{string.Join(", ", http.WebSockets.WebSocketRequestedProtocols)}]; supports [{string.Join(", ", ChannelProtocol.Supported.Select(p => p.Name))}]");
            var socket = await AcceptWebSocketAsync(http, protocol.Name);
            using var session = sessions.Begin();
            LogSession(logger, subresource, request.Namespace, request.Name, container.Container, "websocket " + protocol.Name);
            await using var channel = new ChannelWebSocket(socket, protocol, command.Stdin, command.Stdout, command.Stderr, logger);
            await GuardAsync(subresource, async () =>
            {
                await channel.StartAsync(aborted);
                await run(channel);
            });
            return;
        }

        var (transport, negotiated) = await UpgradeToSpdyAsync(http, RemoteCommandProtocols);
        using (sessions.Begin())
        {
            LogSession(logger, subresource, request.Namespace, request.Name, container.Container, "spdy " + negotiated);
            await using var upgraded = transport;
            await using var spdy = await SpdyRemoteCommandChannel.OpenAsync(transport, command, negotiated, Timeouts, logger, aborted);
            if (spdy is not null) await GuardAsync(subresource, () => run(spdy));
        }
    }

    private async Task PortForwardAsync(ApiRequest request, JsonObject pod)
    {
        var http = request.Http;
        var target = new PortForwardTarget(pod.Namespace() ?? "", pod.Name(), pod.Str("metadata", "uid") ?? "", IsRunning(pod), time);
        if (http.WebSockets.IsWebSocketRequest && !http.WebSockets.WebSocketRequestedProtocols.Contains(TunnelledPortForwardProtocol))
        {
            await ChannelPortForwardAsync(request, target);
            return;
        }
        if (http.WebSockets.IsWebSocketRequest)
        {
            var socket = await RawWebSocketHandshake.AcceptAsync(http, TunnelledPortForwardProtocol, options.StreamKeepAliveInterval);
            using var session = sessions.Begin();
            LogSession(logger, "portforward", request.Namespace, request.Name, "", "websocket " + TunnelledPortForwardProtocol);
            var tunnel = new WebSocketTunnelStream(socket);
            await ServePortForwardAsync(tunnel, target, request.Aborted);
            await tunnel.CloseAsync(request.Aborted);
            socket.Dispose();
            return;
        }

        var (transport, _) = await UpgradeToSpdyAsync(http, [PortForwardProtocol]);
        using (sessions.Begin())
        {
            LogSession(logger, "portforward", request.Namespace, request.Name, "", "spdy " + PortForwardProtocol);
            await using var upgraded = transport;
            await ServePortForwardAsync(transport, target, request.Aborted);
        }
    }

    /// <summary>The kubelet's own WebSocket port-forward: the ports come in the query, one connection per port.</summary>
    private async Task ChannelPortForwardAsync(ApiRequest request, PortForwardTarget target)
    {
        var http = request.Http;
        var ports = PortsOf(http.Request.Query["ports"]);
        var requested = http.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.Count == 0 ? ChannelProtocol.Unnamed : ChannelProtocol.PortForward.FirstOrDefault(p => requested.Contains(p.Name))
            ?? throw Errors.BadRequest($"unable to upgrade: requested protocol(s) are not supported: [{string.Join(", ", requested)}]; supports [{TunnelledPortForwardProtocol}, {string.Join(", ", ChannelProtocol.PortForward.Select(p => p.Name))}]");
        var socket = await AcceptWebSocketAsync(http, protocol.Name);
        using var session = sessions.Begin();
        LogSession(logger, "portforward", request.Namespace, request.Name, "", "websocket " + (protocol.Name.Length == 0 ? "channels" : protocol.Name));
        using (socket)
        {
            var connection = new ChannelConnection(socket, protocol.Base64, logger);
            await GuardAsync("portforward", () => new ChannelPortForwardSession(connection, ports, target).RunAsync(request.Aborted));
            connection.Abort();
        }
    }

    /// <summary>The <c>ports</c> of PodPortForwardOptions, repeated or comma-separated, as the kubelet checks them.</summary>
    private static List<int> PortsOf(IEnumerable<string?> values)
    {
        var ports = new List<int>();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value)) throw Errors.BadRequest("query parameter \"ports\" cannot be empty");
            foreach (var part in value.Split(','))
            {
                if (!ushort.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)) throw Errors.BadRequest($"unable to parse \"{value}\" as a port");
                if (port < 1) throw Errors.BadRequest($"port \"{value}\" must be > 0");
                ports.Add(port);
            }
        }
        if (ports.Count == 0) throw Errors.BadRequest("query parameter \"ports\" is required");
        // Two channels per port, and channel numbers are one byte.
        if (ports.Count > 100) throw Errors.BadRequest("at most 100 ports can be forwarded over one WebSocket");
        return ports;
    }

    private async Task ServePortForwardAsync(Stream transport, PortForwardTarget target, CancellationToken cancellationToken)
    {
        await using var connection = new SpdyConnection(transport, Timeouts.KeepAlive, logger);
        await GuardAsync("portforward", () => new PortForwardSession(connection, target, Timeouts, logger).RunAsync(cancellationToken));
        await connection.GoAwayAsync();
    }

    private Task<WebSocket> AcceptWebSocketAsync(HttpContext http, string subprotocol) =>
        http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol.Length == 0 ? null : subprotocol,
            DangerousEnableCompression = false,
            KeepAliveInterval = options.StreamKeepAliveInterval,
            KeepAliveTimeout = options.StreamKeepAliveInterval * 3,
        });

    /// <summary>
    /// The SPDY handshake of <c>httpstream.Handshake</c>: the client lists the protocols it speaks in
    /// <c>X-Stream-Protocol-Version</c>, the server answers 101 with the first one it shares.
    /// </summary>
    private static async Task<(Stream Transport, string Protocol)> UpgradeToSpdyAsync(HttpContext http, IReadOnlyList<string> supported)
    {
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var upgradeHeader = http.Request.Headers.Upgrade.ToString();
        if (upgrade is not { IsUpgradableRequest: true } || !upgradeHeader.Contains(SpdyUpgrade, StringComparison.OrdinalIgnoreCase))
        {
            throw Errors.BadRequest("Upgrade request required");
        }
        var offered = http.Request.Headers["X-Stream-Protocol-Version"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        if (offered.Count == 0) throw Errors.BadRequest($"unable to upgrade: header X-Stream-Protocol-Version does not exist in request with {http.Request.Headers.Count} headers");
        var protocol = offered.FirstOrDefault(supported.Contains);
        if (protocol is null)
        {
            foreach (var accepted in supported) http.Response.Headers.Append("X-Accepted-Stream-Protocol-Versions", accepted);
            throw new ApiException(403, "Forbidden", $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(" ", offered)}], server accepts [{string.Join(" ", supported)}]");
        }
        http.Response.Headers["X-Stream-Protocol-Version"] = protocol;
        http.Response.Headers.Upgrade = SpdyUpgrade;
        return (await upgrade.UpgradeAsync(), protocol);
    }

    /// <summary>Once upgraded there is no HTTP response left to carry an error: failures are logged and the session ends.</summary>
    private async Task GuardAsync(string subresource, Func<Task> session)
    {
        try
        {
            await session();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException)
        {
            LogSessionEnded(logger, subresource, e.Message);
        }
        catch (Exception e)
        {
            LogSessionFailed(logger, e, subresource);
        }
    }

    /// <summary>Chooses the container as the API server does before it contacts the kubelet.</summary>
    private static string Container(JsonObject pod, string? requested)
    {
        var names = pod.At("spec", "containers").Objects().Select(c => c.Str("name") ?? "").ToList();
        var initNames = pod.At("spec", "initContainers").Objects().Select(c => c.Str("name") ?? "").ToList();
        if (requested is not null)
        {
            return names.Contains(requested) || initNames.Contains(requested) ? requested : throw Errors.BadRequest($"container {requested} is not valid for pod {pod.Name()}");
        }
        if (names.Count == 1) return names[0];
        var message = $"a container name must be specified for pod {pod.Name()}, choose one of: [{string.Join(" ", names)}]";
        if (initNames.Count > 0) message += $" or one of the init containers: [{string.Join(" ", initNames)}]";
        throw Errors.BadRequest(message);
    }

    private static void RequireRunning(JsonObject pod, string? container)
    {
        if (pod.Str("spec", "nodeName") is not { Length: > 0 }) throw Errors.BadRequest($"pod {pod.Name()} does not have a host assigned");
        if (pod.Str("status", "phase") == "Running") return;
        // What the kubelet answers when it has no running container by that name.
        throw Errors.BadRequest(container is null
            ? $"unable to do port forwarding: pod {pod.Name()} is not running (phase {pod.Str("status", "phase") ?? "Pending"})"
            : $"container not found (\"{container}\")");
    }

    private Func<bool> IsRunning(JsonObject pod)
    {
        var (ns, name, uid) = (pod.Namespace(), pod.Name(), pod.Str("metadata", "uid"));
        return () => objects.Find(BuiltInKinds.Pod, ns, name) is { } current
            && current.Str("metadata", "uid") == uid
            && current.Str("status", "phase") == "Running"
            && !current.IsTerminating();
    }

    private AttachedProcess Attached(JsonObject pod, string container)
    {
        var interval = options.LogLineInterval;
        var started = KubeTime.Parse(pod.Str("status", "startTime")) ?? objects.Now;
        return new AttachedProcess(interval, () => (int)Math.Max(0, (objects.Now - started) / interval), IsRunning(pod));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Subresource} session for {Namespace}/{Pod} container {Container} over {Transport}")]
    private static partial void LogSession(ILogger logger, string subresource, string? @namespace, string pod, string container, string transport);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Subresource} session ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, string subresource, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Subresource} session failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string subresource);
}
