using Microsoft.Extensions.Options;

namespace Plural.Gateway.Operations;

/// <summary>Registers graceful drain and the connection age limit.</summary>
internal static class DrainServiceCollectionExtensions
{
    // Room after the drain for Orleans and Kestrel to stop.
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(15);

    /// <summary>Adds the drain (run on stop), its options, the in-flight counter and the age limiter.</summary>
    public static IServiceCollection AddGatewayDrain(this IServiceCollection services)
    {
        services.AddOptions<DrainOptions>().BindConfiguration(DrainOptions.Section)
            .Validate(o => o.ReadinessDelay >= TimeSpan.Zero, "Gateway:Drain:ReadinessDelay must not be negative")
            .Validate(o => o.ReconnectSpread >= TimeSpan.Zero, "Gateway:Drain:ReconnectSpread must not be negative")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Gateway:Drain:Timeout must be positive")
            .Validate(o => o.MaxConnectionAge >= TimeSpan.Zero, "Gateway:Drain:MaxConnectionAge must not be negative (zero turns it off)")
            .Validate(o => o.MaxConnectionAgeJitter is >= 0 and <= 1, "Gateway:Drain:MaxConnectionAgeJitter must be between 0 and 1")
            .ValidateOnStart();
        services.AddSingleton<InFlightRequests>();
        services.AddSingleton<ClusterReachability>();
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        services.AddHostedService<ConnectionAgeLimiter>();
        services.AddOptions<HostOptions>().Configure<IOptions<DrainOptions>>((host, drain) =>
        {
            var needed = drain.Value.ReadinessDelay + drain.Value.Timeout + StopMargin;
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        return services;
    }

    /// <summary>Adds the middleware that refuses agent streams while draining and counts requests in flight.</summary>
    public static IApplicationBuilder UseGatewayDrain(this IApplicationBuilder app) => app.UseMiddleware<DrainMiddleware>();
}
