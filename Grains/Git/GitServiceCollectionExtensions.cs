using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plural.Grains.GitOps;

namespace Plural.Grains.Git;

/// <summary>Registers what repository pollers and agent configuration grains need on a silo.</summary>
public static class GitServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="GitOptions"/> and <see cref="GitOpsOptions"/> (validated at start), the Git client and the
    /// pollers' instruments (meter <see cref="GitMetrics.MeterName"/>).
    /// </summary>
    public static IServiceCollection AddGitPolling(this IServiceCollection services)
    {
        services.AddOptions<GitOptions>().BindConfiguration(GitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GitOptions>, GitOptionsValidator>();
        services.AddOptions<GitOpsOptions>().BindConfiguration(GitOpsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GitOpsOptions>, GitOpsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitClient>();
        services.AddMetrics();
        services.TryAddSingleton<GitMetrics>();
        return services;
    }
}
