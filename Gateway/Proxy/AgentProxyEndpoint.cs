using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Gateway.Tunnels.Peers;

namespace Plural.Gateway.Proxy;

/// <summary>
/// <c>/agents/{agent}/proxy/{path}</c>: the main application's raw route to an agent's upstream, authorised by the
/// admin token, and the private hop between gateways, authorised by a peer token. User access with per-user tokens
/// builds on the same forwarder.
/// </summary>
public static class AgentProxyEndpoint
{
    /// <summary>The route prefix; the agent name follows.</summary>
    public const string Prefix = PeerGatewayForwarder.AgentsPrefix;

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapAgentProxy(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map(Prefix + "/{agent}/proxy/{**path}", HandleAsync)
            .WithMetadata(new ListenerMetadata(ListenerKind.Http));

    private static async Task HandleAsync(HttpContext context, string agent, AdminToken admin, PeerCredentials peers, TunnelForwarder forwarder)
    {
        // The raw remainder keeps escaped slashes and the exact spelling the caller used.
        var prefix = new PathString($"{Prefix}/{agent}/proxy");
        context.Request.Path.StartsWithSegments(prefix, out var rest);
        var path = rest.HasValue ? rest.ToUriComponent() : "/";
        if (PeerGatewayForwarder.IsForwarded(context.Request))
        {
            // A peer's route headers (target, impersonation) are covered by its token, so they are trusted once it checks out.
            var route = TunnelRouteHeaders.Read(agent, path, context.Request.Headers);
            if (peers.Check(context.Request, route) is { } refusal)
            {
                await KubernetesStatus.WriteAsync(context.Response, refusal.Status,
                    refusal.Status == StatusCodes.Status403Forbidden ? "Forbidden" : "Unauthorized", refusal.Message, context.RequestAborted);
                return;
            }

            await forwarder.ForwardAsync(context, route);
            return;
        }

        if (!admin.Accepts(context.Request.Headers.Authorization))
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                "missing or wrong bearer token", context.RequestAborted);
            return;
        }

        // The main application reaches the upstream as the agent itself; only peers may route elsewhere.
        await forwarder.ForwardAsync(context, new TunnelRoute(agent, path));
    }
}
