using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Access;

/// <summary>
/// Registers user access to agents: its options (validated at start), the main-application JWT validator, callers'
/// authentication (the admin token among them), the user tokens it issues and the <c>ServerApi</c> calls about them.
/// </summary>
internal static class AccessServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AccessOptions"/>, <see cref="MainAppJwtValidator"/>, <see cref="AdminCredentials"/>,
    /// <see cref="CallerAuthenticator"/>, <see cref="ClusterIdentity"/>, <see cref="UserTokenIssuer"/> and <see cref="AccessApi"/>.
    /// </summary>
    public static IServiceCollection AddUserAccess(this IServiceCollection services)
    {
        // The JWT validator reads the secret files when first used; a missing one must stop the start instead.
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateDataAnnotations()
            .Validate(o => JwtSecretFiles.AllExist(o.JwtSecretFiles),
                $"{AccessOptions.Section}:{nameof(AccessOptions.JwtSecretFiles)}: every file must exist")
            .ValidateOnStart();
        services.AddSingleton<MainAppJwtValidator>();
        services.AddSingleton<IValidateOptions<GatewayOptions>, AdminCredentialsValidator>();
        services.AddSingleton<AdminCredentials>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<ClusterIdentity>();
        services.AddSingleton<UserTokenIssuer>();
        services.AddSingleton<KubeconfigBuilder>();
        services.AddSingleton<AccessApi>();
        return services;
    }
}
