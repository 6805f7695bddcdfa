using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Agents;

/// <summary>Registers the agents' side of the gateway: authentication, sessions, leases and the configuration feed.</summary>
internal static class AgentsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LeaseOptions"/>, <see cref="AgentAuthOptions"/> and <see cref="TokenAuthorityOptions"/> (validated at
    /// start), agent authentication (with the main application as token authority when configured) and
    /// registration, the session registry, leases, token expiry and revocation, the configuration feed and the
    /// session attempt limit, and the <c>ServerApi</c> calls about agents and their tokens.
    /// </summary>
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.Section)
            .Validate(o => o.RefreshInterval > TimeSpan.Zero && o.RefreshInterval < o.TimeToLive,
                "Gateway:Leases:RefreshInterval must be positive and shorter than TimeToLive")
            .ValidateOnStart();
        services.AddOptions<AgentAuthOptions>().BindConfiguration(AgentAuthOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RefreshAfter <= o.MaxStaleness, "Gateway:AgentAuth:RefreshAfter must not exceed MaxStaleness")
            .ValidateOnStart();
        services.AddOptions<TokenAuthorityOptions>().BindConfiguration(TokenAuthorityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenAuthorityOptions>, TokenAuthorityOptionsValidator>();
        services.AddSingleton<MainAppTokenAuthority>();
        services.AddSingleton<AgentTokenCache>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<AgentAuthenticator>();
        services.AddSingleton<AgentTokenIssuer>();
        services.AddSingleton<AgentRegistrar>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<AgentConfigFeed>();
        services.AddOptions<AgentLimitOptions>().BindConfiguration(AgentLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SessionAttemptLimiter>();
        services.AddSingleton<TokenSessionCloser>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<LeadershipReceiver>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseKeeper>());
        services.AddHostedService<TokenRevocationListener>();
        services.AddSingleton<AgentsApi>();
        services.AddSingleton<TokensApi>();
        return services;
    }

    /// <summary>Maps the gRPC service agents dial, on the agent listener.</summary>
    public static IEndpointConventionBuilder MapAgents(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<AgentGatewayService>().WithMetadata(new ListenerMetadata(ListenerKind.Agent));
}
