using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plural.AgentK.Session;

/// <summary>Registers the session's features; features add their reporters, handlers and capabilities themselves.</summary>
internal static class SessionServiceCollectionExtensions
{
    /// <summary>Adds <see cref="SessionFeatures"/>, which collects every registered reporter, command handler and capability.</summary>
    public static IServiceCollection AddAgentSession(this IServiceCollection services)
    {
        services.TryAddSingleton<SessionFeatures>();
        return services;
    }

    /// <summary>
    /// Adds <typeparamref name="TReporter"/> once, both as itself (so its feature can reach it) and as one of the
    /// session's reporters.
    /// </summary>
    public static IServiceCollection AddSessionReporter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TReporter>(this IServiceCollection services)
        where TReporter : class, ISessionReporter
    {
        services.TryAddSingleton<TReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionReporter, TReporter>(p => p.GetRequiredService<TReporter>()));
        return services;
    }
}
