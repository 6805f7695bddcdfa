namespace Plural.Gateway.Access;

/// <summary>An authenticated caller of the Kubernetes proxy or <c>/cable</c>.</summary>
/// <param name="Kind">How it authenticated.</param>
/// <param name="User">The user's name; <c>admin</c> for the admin token.</param>
/// <param name="Groups">The user's groups.</param>
/// <param name="Agents">Agents the caller may reach; null for every agent.</param>
internal sealed record Caller(CallerKind Kind, string User, IReadOnlyList<string> Groups, IReadOnlySet<string>? Agents)
{
    /// <summary>True when the caller may reach (and see) <paramref name="agentId"/>.</summary>
    public bool MayAccess(string agentId) => Agents is null || Agents.Contains(agentId);
}
