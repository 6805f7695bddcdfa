using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Gateway.Tunnels.Peers;
using Plural.Grains.Access;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The agent proxy's callers: a peer gateway forwarding a request, whose token covers the route it names (401 or
/// 403 otherwise), or an operator with an admin credential (401 otherwise), which reaches the upstream as the agent
/// itself and is known by its credential's name from here on; refused (403) where the route is off for admins.
/// </summary>
internal sealed class AuthenticateAdminOrPeerStep(
    AdminCredentials admin, PeerCredentials peers, IOptions<AdminProxyOptions> adminProxy, IOptions<GatewayOptions> gateway) : IProxyStep
{
    private readonly bool _adminsAllowed = adminProxy.Value.IsEnabled(gateway.Value);

    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var request = context.Http.Request;
        if (PeerGatewayForwarder.IsForwarded(request))
        {
            // A peer's route headers (target, impersonation) are covered by its token, so they are trusted once it checks out;
            // its wait budget is not, and needs no cover: it can only shorten the wait.
            var route = TunnelRouteHeaders.Read(context.Agent, context.Path, request.Headers);
            if (peers.Check(request, route) is { } refusal)
            {
                await context.RefuseAsync(refusal.Status, refusal.Status == StatusCodes.Status403Forbidden ? "Forbidden" : "Unauthorized", refusal.Message);
                return;
            }

            context.Route = route;
        }
        else if (admin.NameOf(request.Headers.Authorization) is not { } name)
        {
            await context.RefuseAsync(StatusCodes.Status401Unauthorized, "Unauthorized", "missing or wrong bearer token");
            return;
        }
        else if (!_adminsAllowed)
        {
            await context.RefuseAsync(StatusCodes.Status403Forbidden, "Forbidden",
                "the admin proxy route is off on this gateway (Gateway:AdminProxy:Enabled); reach clusters through /k8s-proxy as a user");
            return;
        }
        else
        {
            context.Caller = new Caller(CallerKind.Admin, name, [], null);
            // Only peers may route elsewhere (another target, an impersonation).
            context.Route = new TunnelRoute(context.Agent, context.Path);
            context.ClusterIdentity = ClusterIdentityRecord.Of(ClusterIdentityMode.AgentServiceAccount, null, request.Headers);
        }

        await next(context);
    }
}
