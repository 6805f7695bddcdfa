using System.Globalization;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Reads what an exec, attach or port-forward asks for from its query string, as kubectl and client-go send it
/// (<c>command=ls&amp;command=-l&amp;container=app</c>, <c>ports=8080,9090</c>). Only these parameters of these
/// subresources are read: other query values (which may carry tokens) never reach the audit trail.
/// </summary>
internal static class SessionRequestParser
{
    /// <summary>The session's request; null when <paramref name="subresource"/> is not exec, attach or portforward.</summary>
    public static SessionRequest? Parse(string subresource, IQueryCollection query) => subresource switch
    {
        "exec" => new SessionRequest([.. Values(query, "command")], Container(query), []),
        "attach" => new SessionRequest([], Container(query), []),
        "portforward" => new SessionRequest([], "", [.. Ports(query)]),
        _ => null,
    };

    private static string Container(IQueryCollection query) => query["container"].FirstOrDefault() ?? "";

    private static IEnumerable<string> Values(IQueryCollection query, string name) =>
        query[name].Where(v => v is not null).Select(v => v!);

    // Both repeated parameters and comma-separated lists occur; a value that is no port is left out, not guessed at.
    private static IEnumerable<int> Ports(IQueryCollection query) =>
        Values(query, "ports")
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : 0)
            .Where(p => p > 0);
}
