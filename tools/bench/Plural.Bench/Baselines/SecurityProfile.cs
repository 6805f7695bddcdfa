using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

/// <summary>
/// Whether the routes carry plain text or TLS. <c>plain</c>: every hop in plain text except ssh, which always encrypts.
/// <c>tls</c>: the gateway serves TLS on its agent and HTTP listeners (the agent dials it over TLS), both nghttpx
/// proxies serve TLS and speak TLS between them, ssh as it is; the upstream (and so the direct route) stays plain.
/// </summary>
public enum SecurityProfile
{
    /// <summary>Plain text wherever the route allows it.</summary>
    Plain,

    /// <summary>TLS on every hop a proxy or the tunnel adds.</summary>
    Tls,
}

/// <summary>Parses the <c>--profile</c> option.</summary>
public static class SecurityProfiles
{
    /// <summary>The profile named <paramref name="text"/>; throws <see cref="BenchUsageException"/> for another word.</summary>
    public static SecurityProfile Parse(string text) => text switch
    {
        "plain" => SecurityProfile.Plain,
        "tls" => SecurityProfile.Tls,
        _ => throw new BenchUsageException($"--profile: '{text}' is neither plain nor tls"),
    };

    /// <summary>The profile's name and what it encrypts, for the result file.</summary>
    public static string Describe(SecurityProfile profile) => profile == SecurityProfile.Tls
        ? "tls (tunnel and nghttpx over TLS, ssh as it is, upstream plain)"
        : "plain (plain text but ssh)";
}
