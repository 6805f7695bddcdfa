using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Upstream;

/// <summary>Registers the agent's way to its Kubernetes API server.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>Adds the upstream credentials and forwarder, with <see cref="UpstreamOptions"/> validated at start.</summary>
    public static IServiceCollection AddUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<UpstreamOptions, UpstreamOptionsValidator>().Bind(configuration.GetSection(UpstreamOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<UpstreamOptions>, UpstreamOptionsDefaults>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamCredentials>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<UpstreamOptions>>();
            return new UpstreamForwarder(
                options,
                provider.GetRequiredService<UpstreamCredentials>(),
                UpstreamClientFactory.Create(options),
                UpstreamClientFactory.Create(options, repeatHeaders: true));
        });
        return services;
    }
}
