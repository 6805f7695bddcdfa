using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plural.AgentK.Session;

namespace Plural.AgentK.GitOps;

/// <summary>Registers the application of the manifests the server reads from Git.</summary>
internal static class GitOpsServiceCollectionExtensions
{
    /// <summary>Adds the GitOps service, its reporter and its command handler, with <see cref="GitOpsOptions"/> validated at start.</summary>
    public static IServiceCollection AddGitOps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<GitOpsOptions, GitOpsOptionsValidator>().Bind(configuration.GetSection(GitOpsOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<GitOpsOptions>, GitOpsOptionsDefaults>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KubernetesApplyClient>();
        services.TryAddSingleton<PendingReports>();
        services.TryAddSingleton<GitOpsService>();
        services.AddHostedService(provider => provider.GetRequiredService<GitOpsService>());
        services.AddSessionReporter<GitOpsReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConditionSource, GitOpsConditions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionCommandHandler, ManifestSyncHandler>());
        return services;
    }
}
