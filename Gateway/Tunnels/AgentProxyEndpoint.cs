using Plural.Gateway.Errors;
using Plural.Gateway.Hosting;
using Plural.Gateway.ServerApi;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// <c>/agents/{agent}/proxy/{path}</c>: the main application's raw route to an agent's upstream,
/// authorised by the admin token. User access with per-user tokens builds on the same forwarder.
/// </summary>
public static class AgentProxyEndpoint
{
    /// <summary>The route prefix; the agent name follows.</summary>
    public const string Prefix = "/agents";

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapAgentProxy(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map(Prefix + "/{agent}/proxy/{**path}", HandleAsync)
            .WithMetadata(new ListenerMetadata(ListenerKind.Http));

    private static async Task HandleAsync(HttpContext context, string agent, AdminToken admin, TunnelForwarder forwarder)
    {
        if (!admin.Accepts(context.Request.Headers.Authorization))
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                "missing or wrong bearer token", context.RequestAborted);
            return;
        }

        // The raw remainder keeps escaped slashes and the exact spelling the caller used.
        var prefix = new PathString($"{Prefix}/{agent}/proxy");
        context.Request.Path.StartsWithSegments(prefix, out var rest);
        // Only the gateways' shared credential reaches this point, so route headers from a peer are trusted.
        var route = TunnelRouteHeaders.Read(agent, rest.HasValue ? rest.ToUriComponent() : "/", context.Request.Headers);
        await forwarder.ForwardAsync(context, route);
    }
}
