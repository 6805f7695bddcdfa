using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Audit;

/// <summary>Registers the proxy's audit trail, its export and the <c>ServerApi</c> call that reads it.</summary>
internal static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AuditTrail"/>, its options (validated at start), the flusher that feeds the audit grains, the
    /// JSON-lines export and <see cref="AuditApi"/>.
    /// </summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.AddSingleton<AuditExportQueue>();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AuditFlusher>();
        services.AddHostedService<AuditExporter>();
        services.AddSingleton<AuditApi>();
        return services;
    }
}
