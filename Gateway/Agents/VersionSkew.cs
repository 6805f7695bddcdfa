using Plural.Grains.Agents;

namespace Plural.Gateway.Agents;

/// <summary>
/// The gateway/agent skew policy of <c>docs/operations.md</c> as a health condition of type <c>version</c>: an agent
/// of the gateway's release or one minor release older is within it; an older one, one of another major release, and
/// one newer than the gateway are not. Nothing is refused for it: the operator sees which agents to upgrade.
/// </summary>
internal static class VersionSkew
{
    /// <summary>The condition's type.</summary>
    public const string ConditionType = "version";

    /// <summary>Judges <paramref name="agentVersion"/> (as the agent sent it in its hello) against <paramref name="gatewayVersion"/>.</summary>
    public static AgentHealthCondition Judge(string agentVersion, string gatewayVersion)
    {
        if (Release.Parse(gatewayVersion) is not { } gateway)
        {
            // A gateway built outside the versioned build has nothing to compare against.
            return new(ConditionType, true, $"agent {Shown(agentVersion)}; gateway version unknown");
        }

        if (Release.Parse(agentVersion) is not { } agent)
        {
            return new(ConditionType, false, $"agent reports no release version ({Shown(agentVersion)}); gateway is {gateway}");
        }

        if (agent.Major != gateway.Major || agent.Minor > gateway.Minor || agent.Minor < gateway.Minor - 1)
        {
            var advice = agent.CompareTo(gateway) > 0 ? "upgrade the gateways first" : "upgrade the agent";
            return new(ConditionType, false, $"agent {agent} is outside the supported skew of gateway {gateway} (same release or one minor older): {advice}");
        }

        return new(ConditionType, true, $"agent {agent} with gateway {gateway}");
    }

    private static string Shown(string version) => string.IsNullOrWhiteSpace(version) ? "no version" : version;

    private readonly record struct Release(int Major, int Minor, int Patch) : IComparable<Release>
    {
        public static Release? Parse(string version)
        {
            // "0.3.1+5570522e6b00" or "0.3.1-rc.1": the build and pre-release parts do not change the release.
            var core = version.Split('+', '-')[0].Split('.');
            return core.Length == 3 && int.TryParse(core[0], out var major) && int.TryParse(core[1], out var minor)
                && int.TryParse(core[2], out var patch) && major >= 0 && minor >= 0 && patch >= 0
                ? new Release(major, minor, patch)
                : null;
        }

        public int CompareTo(Release other) =>
            (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

        public override string ToString() => $"{Major}.{Minor}.{Patch}";
    }
}
