namespace Plural.Gateway.Audit;

/// <summary>Registers the proxy's audit trail.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditTrail"/>, its options and the flusher that feeds the audit grains.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AuditFlusher>();
        return services;
    }
}
