using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Proxy;

/// <summary>The last step: sends the request along its route to the agent, through one of its tunnels, and streams the answer back.</summary>
internal sealed class ForwardStep(TunnelForwarder forwarder) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var route = context.Route ?? throw new InvalidOperationException("The forward step follows the route's authorisation.");
        try
        {
            await forwarder.ForwardAsync(context.Http, route);
        }
        catch (GrainReadUnavailableException unavailable) when (!context.Http.Response.HasStarted)
        {
            await context.RefuseUnavailableAsync(unavailable);
        }
    }
}
