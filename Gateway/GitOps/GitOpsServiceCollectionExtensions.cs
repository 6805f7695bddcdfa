namespace Plural.Gateway.GitOps;

/// <summary>Registers the gateway's configuration feed and the GitOps part of <c>ServerApi</c>.</summary>
public static class GitOpsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AgentConfigFeed"/> and <see cref="GitOpsApi"/>.</summary>
    public static IServiceCollection AddGitOps(this IServiceCollection services)
    {
        services.AddSingleton<AgentConfigFeed>();
        services.AddSingleton<GitOpsApi>();
        return services;
    }
}
