using System.Globalization;
using System.Net.Http.Headers;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Carries a route's target and impersonation across the private hop between gateways. Only requests
/// authenticated with the gateways' shared credential may use these headers; they never reach an agent.
/// </summary>
internal static class TunnelRouteHeaders
{
    /// <summary>Prefix of every platform-internal header; such headers are stripped before a request reaches an agent.</summary>
    public const string Prefix = "Plural-";

    private const string Target = Prefix + "Target";
    private const string User = Prefix + "Impersonate-User";
    private const string Group = Prefix + "Impersonate-Group";
    private const string Uid = Prefix + "Impersonate-Uid";
    private const string Extra = Prefix + "Impersonate-Extra-";
    private const string WaitBudget = Prefix + "Wait-Budget-Ms";
    private const string AgentTarget = "agent";

    /// <summary>Adds the route's target and identity to a request for a peer gateway.</summary>
    public static void Write(TunnelRoute route, HttpRequestHeaders headers)
    {
        if (route.Target == RequestTarget.Agent)
        {
            headers.Add(Target, AgentTarget);
        }

        if (route.WaitBudget is { } budget)
        {
            headers.Add(WaitBudget, ((long)budget.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        if (route.Impersonation is not { } identity)
        {
            return;
        }

        headers.Add(User, Uri.EscapeDataString(identity.User));
        foreach (var group in identity.Groups)
        {
            headers.Add(Group, Uri.EscapeDataString(group));
        }

        if (identity.Uid.Length > 0)
        {
            headers.Add(Uid, Uri.EscapeDataString(identity.Uid));
        }

        foreach (var extra in identity.Extra)
        {
            headers.Add(Extra + Uri.EscapeDataString(extra.Name), extra.Values.Select(Uri.EscapeDataString));
        }
    }

    /// <summary>Reads the route a peer gateway sent; without route headers the route targets the upstream as the agent itself.</summary>
    public static TunnelRoute Read(string agentName, string path, IHeaderDictionary headers)
    {
        var target = headers[Target] == AgentTarget ? RequestTarget.Agent : RequestTarget.Upstream;
        TimeSpan? budget = long.TryParse(headers[WaitBudget], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;
        Impersonation? identity = null;
        if (headers.TryGetValue(User, out var user) && user.Count == 1)
        {
            identity = new Impersonation { User = Uri.UnescapeDataString(user[0]!) };
            identity.Groups.AddRange(Values(headers[Group]));
            if (headers.TryGetValue(Uid, out var uid))
            {
                identity.Uid = Uri.UnescapeDataString(uid[0]!);
            }

            foreach (var (name, values) in headers)
            {
                if (name.StartsWith(Extra, StringComparison.OrdinalIgnoreCase))
                {
                    var field = new HeaderField { Name = Uri.UnescapeDataString(name[Extra.Length..]) };
                    field.Values.AddRange(Values(values));
                    identity.Extra.Add(field);
                }
            }
        }

        return new TunnelRoute(agentName, path, target, identity, budget);
    }

    // HttpClient joins repeated lines with ", "; each value was percent-encoded, so a comma only ever separates.
    private static IEnumerable<string> Values(Microsoft.Extensions.Primitives.StringValues values) =>
        values.SelectMany(v => v!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(Uri.UnescapeDataString);
}
