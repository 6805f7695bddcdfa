namespace Plural.Gateway.ServerApi;

/// <summary>Registers <c>ServerApi</c>'s authentication and idempotency.</summary>
public static class ServerApiServiceCollectionExtensions
{
    /// <summary>Adds the options (validated at start), the authenticator and its interceptor, idempotent calls and the event watcher.</summary>
    public static IServiceCollection AddServerApi(this IServiceCollection services)
    {
        services.AddOptions<ServerApiOptions>().BindConfiguration(ServerApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ServerApiAuthenticator>();
        services.AddSingleton<IdempotentCalls>();
        services.AddSingleton<ResumableEventWatcher>();
        services.AddGrpc().AddServiceOptions<ServerApiService>(o => o.Interceptors.Add<ServerApiAuthInterceptor>());
        return services;
    }
}
