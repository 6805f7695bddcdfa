namespace Plural.Gateway.Limits;

/// <summary>Registers the gateway's abuse limits.</summary>
public static class LimitsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="LimitOptions"/> (validated at start) and the limiters that enforce them.</summary>
    public static IServiceCollection AddGatewayLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProxyConcurrencyLimiter>();
        services.AddSingleton<SessionAttemptLimiter>();
        services.AddSingleton<AgentTunnelLimiter>();
        return services;
    }
}
