namespace Plural.Gateway.Audit;

/// <summary>Registers the proxy's audit trail and the <c>ServerApi</c> call that reads it.</summary>
internal static class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditTrail"/>, its options, the flusher that feeds the audit grains and <see cref="AuditApi"/>.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AuditFlusher>();
        services.AddSingleton<AuditApi>();
        return services;
    }
}
