using Microsoft.Extensions.Logging;

namespace Plural.KubeEmulator;

/// <summary>Configuration of one emulated API server.</summary>
public sealed class KubeEmulatorOptions
{
    /// <summary>Default bearer token of the cluster administrator.</summary>
    public const string DefaultAdminToken = "kube-emulator-admin-token";

    /// <summary>Default bearer token of the agent's service account.</summary>
    public const string DefaultAgentToken = "kube-emulator-agentk-token";

    /// <summary>Default bearer token of a read-only user.</summary>
    public const string DefaultViewerToken = "kube-emulator-viewer-token";

    /// <summary>User name of the agent's service account.</summary>
    public const string AgentUserName = "system:serviceaccount:plural:agentk";

    /// <summary>Group bound to get, list and watch on everything (a seeded ClusterRoleBinding).</summary>
    public const string ReadOnlyGroup = "kube-emulator:read-only";

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Serve HTTPS with a certificate made at start (default). kubectl does not send bearer tokens over
    /// plain HTTP, so turn this off only for clients that do.
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>When true, only the cluster basics (system namespaces, nodes) exist; no sample workloads.</summary>
    public bool Empty { get; set; }

    /// <summary>
    /// Seed a Prometheus-like service, <c>monitoring/prometheus</c> on port 9090, answering <c>/api/v1/query</c> and
    /// <c>/api/v1/query_range</c> about the cluster's pods (reached through <c>services/prometheus:9090/proxy/...</c>).
    /// Independent of <see cref="Empty"/>.
    /// </summary>
    public bool Prometheus { get; set; }

    /// <summary>Number of fake nodes the cluster has (pods are scheduled onto them).</summary>
    public int NodeCount { get; set; } = 2;

    /// <summary>
    /// Enforce RBAC (default): requests are authorized by the stored Roles, ClusterRoles and bindings as
    /// on a real API server. When false every authenticated identity may do everything, impersonation included.
    /// </summary>
    public bool Rbac { get; set; } = true;

    /// <summary>Token of the administrator (<c>kubernetes-admin</c>, group <c>system:masters</c>).</summary>
    public string AdminToken { get; set; } = DefaultAdminToken;

    /// <summary>Token of the agent service account (<see cref="AgentUserName"/>), bound to impersonate and to write what GitOps applies.</summary>
    public string AgentToken { get; set; } = DefaultAgentToken;

    /// <summary>Further users; each token maps to one identity.</summary>
    public IList<KubeEmulatorUser> Users { get; } = [new(DefaultViewerToken, "viewer", [ReadOnlyGroup])];

    /// <summary>How many change events are kept for watches that resume from a resourceVersion.</summary>
    public int WatchHistorySize { get; set; } = 10_000;

    /// <summary>Events queued per watcher before a watcher that is not reading is ended.</summary>
    public int WatcherBufferSize { get; set; } = 1_000;

    /// <summary>Interval between BOOKMARK events on watches that allow them.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between generated log lines while a pod log is followed.</summary>
    public TimeSpan LogLineInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a Job's pods run before they succeed.</summary>
    public TimeSpan JobPodRunTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a client has to open the streams of an exec or attach session, or the second stream of a
    /// port-forward connection, after the first (the kubelet's stream creation timeout).
    /// </summary>
    public TimeSpan StreamCreationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Ping interval of exec, attach and port-forward connections. A client that sends nothing, not even
    /// a ping answer, for four intervals (WebSocket: no pong within three) is taken to be gone and its
    /// session is ended.
    /// </summary>
    public TimeSpan StreamKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional logging configuration; by default only warnings go to the console.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Throws when a setting cannot work; called when the server starts.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be 0 (any free port) or a TCP port");
        if (StreamCreationTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StreamCreationTimeout), StreamCreationTimeout, "must be positive");
        if (StreamKeepAliveInterval < TimeSpan.FromMilliseconds(100) || StreamKeepAliveInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(StreamKeepAliveInterval), StreamKeepAliveInterval, "must be between 100 ms and 1 hour");
        }
    }
}

/// <summary>A bearer token and the identity it authenticates as.</summary>
/// <param name="Token">The bearer token.</param>
/// <param name="Name">User name reported by <c>kubectl auth whoami</c>.</param>
/// <param name="Groups">Groups; <see cref="KubeEmulatorOptions.ReadOnlyGroup"/> is bound to read-only access to everything.</param>
/// <param name="CanImpersonate">Whether the user is bound to a role that may impersonate any user, group and service account.</param>
public sealed record KubeEmulatorUser(string Token, string Name, IReadOnlyList<string> Groups, bool CanImpersonate = false);
