using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

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
