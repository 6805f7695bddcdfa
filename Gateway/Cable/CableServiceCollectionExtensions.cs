using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Cable.Channels;

namespace Plural.Gateway.Cable;

/// <summary>Registers <c>/cable</c>: options, channels and the hub.</summary>
internal static class CableServiceCollectionExtensions
{
    /// <summary>Adds the cable services; pair with <see cref="CableEndpoint.MapCable"/>.</summary>
    public static IServiceCollection AddCable(this IServiceCollection services)
    {
        services.AddOptions<CableOptions>().BindConfiguration(CableOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.AllowedOrigins.All(origin => Uri.TryCreate(origin, UriKind.Absolute, out _)),
                "Gateway:Cable:AllowedOrigins must be absolute URLs such as https://app.example.com")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ICableChannel, AgentStatusChannel>();
        services.AddSingleton<ICableChannel, ClusterEventsChannel>();
        services.AddSingleton<ICableChannel, ClusterViewsChannel>();
        services.AddSingleton<ICableChannel, SyncStatusChannel>();
        services.AddSingleton(sp => new CableHub(sp.GetServices<ICableChannel>(), sp.GetRequiredService<IOptions<CableOptions>>(),
            sp.GetRequiredService<ILogger<CableHub>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CableHub>());
        return services;
    }
}
