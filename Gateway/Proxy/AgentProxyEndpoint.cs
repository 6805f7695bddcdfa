using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Proxy;

/// <summary>
/// <c>/agents/{agent}/proxy/{path}</c>: operators' raw route to an agent's upstream, authorised by an admin credential
/// (off in production unless <see cref="AdminProxyOptions.Enabled"/>) and audited under the credential's name, and the
/// private hop between gateways, authorised by a peer token, which was audited and limited where its caller came in.
/// </summary>
internal static class AgentProxyEndpoint
{
    /// <summary>The route prefix; the agent name follows.</summary>
    public const string Prefix = PeerGatewayForwarder.AgentsPrefix;

    /// <summary>The route's name in metrics.</summary>
    public const string RouteName = "agents";

    /// <summary>The request's steps, in order.</summary>
    public static ProxyPipeline Pipeline(IServiceProvider services) => new(services.GetRequiredService<TimeProvider>(),
    [
        services.GetRequiredService<TraceStep>(),
        services.GetRequiredService<MeasureStep>(),
        services.GetRequiredService<AuthenticateAdminOrPeerStep>(),
        services.GetRequiredService<AuditStep>(),
        services.GetRequiredService<ForwardStep>(),
    ]);

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapAgentProxy(this IEndpointRouteBuilder endpoints)
    {
        var pipeline = Pipeline(endpoints.ServiceProvider);
        return endpoints.Map(Prefix + "/{agent}/proxy/{**path}",
                (HttpContext context, string agent) => pipeline.RunAsync(context, agent, new PathString($"{Prefix}/{agent}/proxy")))
            .WithMetadata(new ListenerMetadata(ListenerKind.Http), new ProxyRouteMetadata(RouteName));
    }
}
