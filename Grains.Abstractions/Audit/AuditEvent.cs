namespace Plural.Grains.Audit;

/// <summary>
/// One request a user made through the Kubernetes proxy: who, to which cluster, what, and how it ended. Built from
/// the method, path and status only; bodies, query strings, tokens and header values are never part of it.
/// </summary>
/// <param name="Time">When the gateway received the request.</param>
/// <param name="RequestId">The gateway's request id (also in its logs and in the tunnel's request head).</param>
/// <param name="Gateway">The gateway that served the caller.</param>
/// <param name="Agent">The agent (cluster) the request was for.</param>
/// <param name="User">The authenticated user.</param>
/// <param name="Groups">The user's groups.</param>
/// <param name="Request">What was asked, in Kubernetes terms.</param>
/// <param name="Status">HTTP status sent to the caller; 0 when the connection was cut before a status was sent.</param>
/// <param name="Duration">From receiving the request to the end of the response.</param>
/// <param name="BytesIn">Request body bytes read from the caller.</param>
/// <param name="BytesOut">Response body bytes written to the caller (not counting bytes of upgraded connections).</param>
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
    [property: Id(10)] long BytesOut);
