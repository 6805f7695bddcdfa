namespace Plural.Grains.Audit;

/// <summary>
/// One request a caller made through the Kubernetes proxy or the admin proxy route, or one upgraded session (exec,
/// attach, port-forward), recorded when it ended: who, to which cluster, as whom the cluster saw it, what, and how it
/// ended. Built from the method, path and status, plus the exec command, container and ports of a session; bodies,
/// other query values, tokens and header values are never part of it.
/// </summary>
/// <remarks>
/// Fields added after the first version are init properties with new ids, so records stored before them still read
/// (as empty values, which readers treat as "not recorded").
/// </remarks>
/// <param name="Time">When the gateway received the request.</param>
/// <param name="RequestId">The gateway's request id (also in its logs and in the tunnel's request head).</param>
/// <param name="Gateway">The gateway that served the caller.</param>
/// <param name="Agent">The agent (cluster) the request was for.</param>
/// <param name="User">The authenticated user, or the admin credential's name.</param>
/// <param name="Groups">The user's groups.</param>
/// <param name="Request">What was asked, in Kubernetes terms.</param>
/// <param name="Status">HTTP status sent to the caller; 0 when the connection was cut before a status was sent.</param>
/// <param name="Duration">From receiving the request to the end of the response, or of the upgraded session.</param>
/// <param name="BytesIn">Request body bytes read from the caller; for an upgraded session, every byte the caller sent after the switch.</param>
/// <param name="BytesOut">Response body bytes written to the caller; for an upgraded session, every byte sent to it after the switch.</param>
[GenerateSerializer, Immutable, Alias("plural.audit.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] string RequestId,
    [property: Id(2)] string Gateway,
    [property: Id(3)] string Agent,
    [property: Id(4)] string User,
    [property: Id(5)] IReadOnlyList<string> Groups,
    [property: Id(6)] KubernetesRequest Request,
    [property: Id(7)] int Status,
    [property: Id(8)] TimeSpan Duration,
    [property: Id(9)] long BytesIn,
    [property: Id(10)] long BytesOut)
{
    /// <summary>How the caller authenticated: <c>user-token</c>, <c>main-app-jwt</c> or <c>admin</c>; "" in older records.</summary>
    [Id(11)]
    public string CallerKind { get; init; } = "";

    /// <summary>The route: <c>k8s-proxy</c> or <c>agents</c> (the admin proxy route); "" in older records.</summary>
    [Id(12)]
    public string Route { get; init; } = "";

    /// <summary>The identity the cluster saw; null when the request was refused before one was chosen.</summary>
    [Id(13)]
    public ClusterIdentityUsed? ClusterIdentity { get; init; }

    /// <summary>What an exec, attach or port-forward asked for; null for other requests.</summary>
    [Id(14)]
    public SessionRequest? Session { get; init; }
}
