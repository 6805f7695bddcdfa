using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Orleans;

/// <summary>Registers <c>Orleans:Tls</c>: its options (validated at start) and, when TLS is on, the credentials and <see cref="ClusterTls"/>.</summary>
public static class OrleansTlsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Orleans TLS settings for a process on <paramref name="clustering"/>; <paramref name="serves"/> for a
    /// silo, whose certificate must also allow server authentication. Returns whether Orleans connections use TLS.
    /// </summary>
    public static bool AddOrleansTls(this IServiceCollection services, IConfiguration configuration, ClusteringProvider clustering, bool serves)
    {
        services.AddOptions<OrleansTlsOptions>().BindConfiguration(OrleansTlsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrleansTlsOptions>>(new OrleansTlsOptionsValidator(clustering, serves));
        var options = configuration.GetSection(OrleansTlsOptions.Section).Get<OrleansTlsOptions>() ?? new OrleansTlsOptions();
        if (!options.IsOn(clustering))
        {
            return false;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var tls = provider.GetRequiredService<IOptions<OrleansTlsOptions>>().Value;
            return new ReloadingClusterCredentials(ClusterCredentialFiles.From(tls, serves), tls.ReloadCheckInterval,
                provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ReloadingClusterCredentials>>());
        });
        services.TryAddSingleton(provider => new ClusterTls(provider.GetRequiredService<ReloadingClusterCredentials>(), provider.GetRequiredService<ILogger<ClusterTls>>()));
        return true;
    }
}
