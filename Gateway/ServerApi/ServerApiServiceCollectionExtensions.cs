using Plural.Gateway.Listeners;

namespace Plural.Gateway.ServerApi;

/// <summary>Registers <c>ServerApi</c>'s authentication and idempotency.</summary>
internal static class ServerApiServiceCollectionExtensions
{
    /// <summary>Adds the options (validated at start), the authenticator, the interceptors and idempotent calls.</summary>
    public static IServiceCollection AddServerApi(this IServiceCollection services)
    {
        // The authenticator reads the secret files on the first call; a missing one must stop the start instead.
        services.AddOptions<ServerApiOptions>().BindConfiguration(ServerApiOptions.Section).ValidateDataAnnotations()
            .Validate(o => Access.JwtSecretFiles.AllExist(o.JwtSecretFiles),
                $"{ServerApiOptions.Section}:{nameof(ServerApiOptions.JwtSecretFiles)}: every file must exist")
            .ValidateOnStart();
        services.AddSingleton<ServerApiAuthenticator>();
        services.AddSingleton<IdempotentCalls>();
        services.AddGrpc().AddServiceOptions<ServerApiService>(o =>
        {
            o.Interceptors.Add<ServerApiAuthInterceptor>();
            o.Interceptors.Add<ClusterUnavailableInterceptor>();
        });
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>
    /// Maps <c>ServerApi</c> on the API listener, with gRPC server reflection so that generic clients (grpcurl, Postman,
    /// evans) find its methods without the <c>.proto</c> files. Reflection describes the schema only; every call still
    /// needs a credential.
    /// </summary>
    public static IEndpointConventionBuilder MapServerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcReflectionService().WithMetadata(new ListenerMetadata(ListenerKind.Api));
        return endpoints.MapGrpcService<ServerApiService>().WithMetadata(new ListenerMetadata(ListenerKind.Api));
    }
}
