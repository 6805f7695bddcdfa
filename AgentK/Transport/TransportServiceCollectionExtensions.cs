using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Transport;

/// <summary>Registers what every call to the gateway shares: channel, credentials, proxy and reconnect backoff settings.</summary>
internal static class TransportServiceCollectionExtensions
{
    /// <summary>Adds the gateway channel factory and credentials, with <see cref="GatewayOptions"/> and <see cref="ReconnectOptions"/> validated at start.</summary>
    public static IServiceCollection AddGatewayTransport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<GatewayOptions, GatewayOptionsValidator>().Bind(configuration.GetSection(GatewayOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<GatewayOptions>, GatewayOptionsDefaults>());
        services.AddOptionsWithValidateOnStart<ReconnectOptions, ReconnectOptionsValidator>().Bind(configuration.GetSection(ReconnectOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayCredentials>();
        services.TryAddSingleton<PresentedGatewayCertificate>();
        services.TryAddSingleton<GatewayChannelFactory>();
        return services;
    }
}
