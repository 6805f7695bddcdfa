using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Audit;
using Plural.Gateway.Cluster;
using Plural.Gateway.GitOps;
using Plural.Gateway.Cable;
using Plural.Gateway.Drain;
using Plural.Gateway.Health;
using Plural.Gateway.KubernetesProxy;
using Plural.Gateway.Limits;
using Plural.Gateway.Metrics;
using Plural.Gateway.Peers;
using Plural.Gateway.ServerApi;
using Plural.Gateway.Sessions;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Hosting;

/// <summary>Adds the gateway to a web application that already has Orleans (as silo or as client).</summary>
public static class GatewayHostingExtensions
{
    /// <summary>Registers the gateway's options, services and Kestrel listeners.</summary>
    public static WebApplicationBuilder AddPluralGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.Section)
            .Validate(o => o.RefreshInterval > TimeSpan.Zero && o.RefreshInterval < o.TimeToLive,
                "Gateway:Leases:RefreshInterval must be positive and shorter than TimeToLive")
            .ValidateOnStart();
        services.AddOptions<AgentAuthOptions>().BindConfiguration(AgentAuthOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RefreshAfter <= o.MaxStaleness, "Gateway:AgentAuth:RefreshAfter must not exceed MaxStaleness")
            .ValidateOnStart();
        services.AddOptions<TunnelOptions>().BindConfiguration(TunnelOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.WaitTimeout > TimeSpan.Zero, "Gateway:Tunnels:WaitTimeout must be positive")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => GatewayIdentity.From(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddSingleton<GatewayListeners>();
        services.AddSingleton<AgentTokenCache>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<AgentAuthenticator>();
        services.AddSingleton<AgentTokenIssuer>();
        services.AddSingleton<AgentRegistrar>();
        services.AddSingleton<AdminToken>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<TunnelRegistry>();
        services.AddSingleton<TunnelForwarder>();
        services.AddSingleton<PeerCredentials>();
        services.AddSingleton<PeerGatewayForwarder>();
        services.AddSingleton<AgentRequestClient>();
        services.AddClusterViews();
        services.AddGitOps();
        services.AddUserAccess();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<ClusterIdentity>();
        services.AddSingleton<KubeconfigBuilder>();
        services.AddSingleton<UserTokenIssuer>();
        services.AddHttpClient(PeerGatewayForwarder.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => PeerHttpHandler.Create(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Peer));
        services.AddSingleton<TokenSessionCloser>();
        services.AddSingleton<LeaseKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseKeeper>());
        services.AddHostedService<TokenRevocationListener>();
        services.AddHostedService<GatewayStartupBanner>();
        services.AddGatewayDrain();
        services.AddGatewayMetrics();
        services.AddCable();
        services.AddAuditTrail();
        services.AddGatewayLimits();

        services.AddGrpc(o => o.MaxReceiveMessageSize = 8 * 1024 * 1024);
        services.AddServerApi();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
            var limits = context.Configuration.GetSection(LimitOptions.Section).Get<LimitOptions>() ?? new LimitOptions();
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeaderBytes;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.Http2MaxStreamsPerConnection;
            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingInterval;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            // Larger windows than Kestrel's defaults let one tunnel stream move bulk bodies at loopback speed.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            kestrel.ApplicationServices.GetRequiredService<GatewayListeners>().Configure(kestrel, options);
        });
        return builder;
    }

    /// <summary>Maps the gateway's endpoints, each on its own listener.</summary>
    public static WebApplication MapPluralGateway(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<ListenerFilterMiddleware>();
        app.UseGatewayDrain();
        app.UseGatewayMetrics();
        app.MapGrpcService<AgentGatewayService>().WithMetadata(new ListenerMetadata(ListenerKind.Agent));
        app.MapGrpcService<ServerApiService>().WithMetadata(new ListenerMetadata(ListenerKind.Api));
        app.MapAgentProxy();
        app.MapKubernetesProxy();
        app.MapKubeconfig();
        app.MapHealth();
        app.MapDrain();
        app.MapGatewayMetrics();
        app.MapCable();
        return app;
    }
}
