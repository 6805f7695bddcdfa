namespace Plural.Gateway.GitOps;

/// <summary>Registers the GitOps part of <c>ServerApi</c>.</summary>
internal static class GitOpsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="GitOpsApi"/>.</summary>
    public static IServiceCollection AddGitOps(this IServiceCollection services)
    {
        services.AddSingleton<GitOpsApi>();
        return services;
    }
}
