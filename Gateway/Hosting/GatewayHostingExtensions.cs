using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Audit;
using Plural.Gateway.Cable;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.Dashboard;
using Plural.Gateway.GitOps;
using Plural.Gateway.Install;
using Plural.Gateway.Listeners;
using Plural.Gateway.Operations;
using Plural.Gateway.Proxy;
using Plural.Gateway.ServerApi;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Hosting;

/// <summary>Adds the gateway to a web application that already has Orleans (as silo or as client).</summary>
public static class GatewayHostingExtensions
{
    /// <summary>Registers the gateway's rooms, each with its options and services, and the Kestrel listeners.</summary>
    public static WebApplicationBuilder AddPluralGateway(this WebApplicationBuilder builder)
    {
        builder.AddGatewayListeners();
        var services = builder.Services;
        services.AddTunnels();
        services.AddUserAccess();
        services.AddClusterViews();
        services.AddGitOps();
        services.AddProxy();
        services.AddInstall();
        services.AddAgents();
        services.AddHostedService<GatewayStartupBanner>();
        services.AddGatewayDrain();
        services.AddGatewayMetrics();
        services.AddGatewayTracing(builder.Configuration);
        services.AddCable();
        services.AddDashboard();
        services.AddAuditTrail();
        services.AddServerApi();
        return builder;
    }

    /// <summary>Maps the gateway's endpoints, each on its own listener.</summary>
    public static WebApplication MapPluralGateway(this WebApplication app)
    {
        app.UseRouting();
        app.UseListenerFilter();
        app.UseGatewayDrain();
        app.MapAgents();
        app.MapInstall();
        app.MapServerApi();
        app.MapProxy();
        app.MapHealth();
        app.MapDrain();
        app.MapGatewayMetrics();
        app.MapCable();
        app.MapDashboard();
        return app;
    }
}
