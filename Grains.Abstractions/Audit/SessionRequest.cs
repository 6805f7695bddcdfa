namespace Plural.Grains.Audit;

/// <summary>
/// What an exec, attach or port-forward session asked for, read from the query parameters kubectl sends
/// (<c>command=...&amp;container=...</c>, <c>ports=...</c>): an audit reader needs the command more than anything else.
/// </summary>
/// <param name="Command">The exec command and its arguments, in order; empty for attach and port-forward.</param>
/// <param name="Container">The container named, or "" for the pod's default.</param>
/// <param name="Ports">The pod ports of a port-forward when the query names them (the WebSocket protocol does; kubectl's
/// SPDY streams name them inside the upgraded connection, which is not read).</param>
[GenerateSerializer, Immutable, Alias("plural.audit.SessionRequest")]
public sealed record SessionRequest(
    [property: Id(0)] IReadOnlyList<string> Command,
    [property: Id(1)] string Container,
    [property: Id(2)] IReadOnlyList<int> Ports);
