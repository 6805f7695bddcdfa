using Plural.Gateway.Access;
using Plural.Gateway.Tunnels;
using Plural.Gateway.Tunnels.Peers;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The agent proxy's callers: a peer gateway forwarding a request, whose token covers the route it names (401 or
/// 403 otherwise), or the main application with the admin token (401 otherwise), which reaches the upstream as the
/// agent itself.
/// </summary>
internal sealed class AuthenticateAdminOrPeerStep(AdminCredentials admin, PeerCredentials peers) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var request = context.Http.Request;
        if (PeerGatewayForwarder.IsForwarded(request))
        {
            // A peer's route headers (target, impersonation) are covered by its token, so they are trusted once it checks out.
            var route = TunnelRouteHeaders.Read(context.Agent, context.Path, request.Headers);
            if (peers.Check(request, route) is { } refusal)
            {
                await context.RefuseAsync(refusal.Status, refusal.Status == StatusCodes.Status403Forbidden ? "Forbidden" : "Unauthorized", refusal.Message);
                return;
            }

            context.Route = route;
        }
        else if (!admin.Accepts(request.Headers.Authorization))
        {
            await context.RefuseAsync(StatusCodes.Status401Unauthorized, "Unauthorized", "missing or wrong bearer token");
            return;
        }
        else
        {
            // Only peers may route elsewhere (another target, an impersonation).
            context.Route = new TunnelRoute(context.Agent, context.Path);
        }

        await next(context);
    }
}
