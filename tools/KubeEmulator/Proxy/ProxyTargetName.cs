namespace Plural.KubeEmulator.Proxy;

/// <summary>
/// The name segment of a proxy URL, <c>[scheme:]name[:port]</c> (<c>prometheus:9090</c>, <c>https:web:</c>), split as
/// the API server splits it: at most three parts, a name, and a scheme of <c>http</c>, <c>https</c> or none.
/// </summary>
internal sealed record ProxyTargetName(string Scheme, string Name, string Port)
{
    public static ProxyTargetName? Parse(string id)
    {
        var parts = id.Split(':');
        var (scheme, name, port) = parts.Length switch
        {
            1 => ("", parts[0], ""),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => ((string?)null, "", ""),
        };
        return scheme is "" or "http" or "https" && name.Length > 0 ? new ProxyTargetName(scheme, name, port) : null;
    }
}
