namespace Plural.Grains.Access;

/// <summary>Which identity an agent's cluster sees for requests through the Kubernetes proxy.</summary>
public enum ClusterIdentityMode
{
    /// <summary>The calling user: <c>plural:user:&lt;name&gt;</c> with group <c>plural:user</c> plus the user's groups.</summary>
    ImpersonateUser = 0,

    /// <summary>One fixed identity configured for the agent, whoever calls.</summary>
    FixedIdentity = 1,

    /// <summary>The agent's own service account; only then may callers send their own <c>Impersonate-*</c> headers.</summary>
    AgentServiceAccount = 2,
}
