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
}
