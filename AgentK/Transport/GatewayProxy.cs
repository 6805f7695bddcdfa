namespace Plural.AgentK.Transport;

/// <summary>
/// Which HTTP proxy, if any, the agent tunnels its gateway connection through: <c>Agent:Proxy</c>, else the
/// standard <c>HTTPS_PROXY</c> (for an https gateway) or <c>HTTP_PROXY</c> (for an http one) environment
/// variables, lower case accepted, unless <c>NO_PROXY</c> names the gateway's host.
/// </summary>
internal static class GatewayProxy
{
    /// <summary>Value of <c>Agent:Proxy</c> that turns proxying off even when the environment names a proxy.</summary>
    public const string Direct = "direct";

    /// <summary>The proxy to use for <paramref name="gatewayUrl"/>, or null to connect directly.</summary>
    /// <param name="gatewayUrl">The gateway address (<c>Agent:GatewayUrl</c>).</param>
    /// <param name="configured">The <c>Agent:Proxy</c> setting, if any.</param>
    /// <param name="environment">Reads an environment variable.</param>
    public static Uri? Resolve(string gatewayUrl, string? configured, Func<string, string?> environment)
    {
        if (string.Equals(configured, Direct, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var gateway = new Uri(gatewayUrl);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Parse(configured);
        }

        var names = gateway.Scheme == Uri.UriSchemeHttps ? new[] { "HTTPS_PROXY", "https_proxy" } : ["HTTP_PROXY", "http_proxy"];
        var fromEnvironment = names.Select(environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (fromEnvironment is null || Bypassed(gateway.Host, environment("NO_PROXY") ?? environment("no_proxy")))
        {
            return null;
        }

        return Parse(fromEnvironment);
    }

    /// <summary>Why a proxy setting cannot be used, or null when it can.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || string.Equals(value, Direct, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Uri.TryCreate(WithScheme(value), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Host.Length > 0
            ? null
            : $"'{Redacted(value)}' is not an http:// proxy URL (http://host:port, optionally with user:password@).";
    }

    /// <summary>The proxy URL without its credentials, for logs.</summary>
    public static string Redacted(string value) =>
        Uri.TryCreate(WithScheme(value), UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(unparseable)";

    private static Uri Parse(string value) =>
        Problem(value) is { } problem ? throw new ArgumentException("Agent:Proxy / HTTPS_PROXY: " + problem) : new Uri(WithScheme(value));

    // Like curl, a bare host:port means an http:// proxy.
    private static string WithScheme(string value) => value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;

    private static bool Bypassed(string host, string? noProxy)
    {
        if (string.IsNullOrWhiteSpace(noProxy))
        {
            return false;
        }

        foreach (var raw in noProxy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.Split(':')[0].TrimStart('*').TrimStart('.');
            if (raw == "*" || string.Equals(host, entry, StringComparison.OrdinalIgnoreCase)
                || host.EndsWith("." + entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
