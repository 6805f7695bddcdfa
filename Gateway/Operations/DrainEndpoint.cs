using Plural.Gateway.Access;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Operations;

/// <summary><c>POST /admin/drain</c>: drains this gateway and lets it exit, as SIGTERM does. Admin token required.</summary>
internal static class DrainEndpoint
{
    /// <summary>The route.</summary>
    public const string Path = "/admin/drain";

    /// <summary>Maps the route on the operations listener.</summary>
    public static IEndpointConventionBuilder MapDrain(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, HandleAsync).WithMetadata(ListenerMetadata.Operations(endpoints));

    private static async Task HandleAsync(HttpContext context, AdminCredentials admin, GatewayDrain drain)
    {
        if (!admin.Accepts(context.Request.Headers.Authorization))
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                "missing or wrong bearer token", context.RequestAborted);
            return;
        }

        var already = drain.IsDraining;
        if (!already)
        {
            drain.Request();
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new { draining = true, alreadyDraining = already }, context.RequestAborted);
    }
}
