namespace Plural.Gateway.Access;

/// <summary>Registers user access to agents: its options (validated at start) and the main-application JWT validator.</summary>
public static class AccessServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AccessOptions"/> and <see cref="MainAppJwtValidator"/>.</summary>
    public static IServiceCollection AddUserAccess(this IServiceCollection services)
    {
        // The JWT validator reads the secret files when first used; a missing one must stop the start instead.
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateDataAnnotations()
            .Validate(o => JwtSecretFiles.AllExist(o.JwtSecretFiles),
                $"{AccessOptions.Section}:{nameof(AccessOptions.JwtSecretFiles)}: every file must exist")
            .ValidateOnStart();
        services.AddSingleton<MainAppJwtValidator>();
        return services;
    }
}
