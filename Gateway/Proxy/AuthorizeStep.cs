using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Access;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Lets the caller through to the agent (403 otherwise) and chooses the identity the cluster sees from the agent's
/// policy; a caller's own <c>Impersonate-*</c> headers pass only when the agent forwards as itself (400 otherwise).
/// </summary>
internal sealed partial class AuthorizeStep(ClusterIdentity identities, ILogger<AuthorizeStep> logger) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var caller = context.Caller ?? throw new InvalidOperationException("The authorize step follows the caller's authentication.");
        var agent = context.Agent;
        if (!caller.MayAccess(agent))
        {
            LogForbidden(logger, caller.User, agent);
            await context.RefuseAsync(StatusCodes.Status403Forbidden, "Forbidden", $"user \"{caller.User}\" may not access agent \"{agent}\"");
            return;
        }

        AgentAccessPolicy policy;
        try
        {
            policy = await identities.PolicyAsync(agent, context.Http.RequestAborted);
        }
        catch (GrainReadUnavailableException unavailable)
        {
            await context.RefuseUnavailableAsync(unavailable);
            return;
        }

        var callerImpersonates = context.Http.Request.Headers.Keys.Any(HttpHeaderFilter.IsImpersonationHeader);
        if (callerImpersonates && policy.Mode != ClusterIdentityMode.AgentServiceAccount)
        {
            await context.RefuseAsync(StatusCodes.Status400BadRequest, "BadRequest",
                $"agent \"{agent}\" chooses the identity itself; Impersonate-* headers (kubectl --as) are not allowed");
            return;
        }

        var impersonation = identities.For(caller, policy);
        context.Route = new TunnelRoute(agent, context.Path, Impersonation: impersonation);
        context.ClusterIdentity = ClusterIdentityRecord.Of(policy.Mode, impersonation, context.Http.Request.Headers);
        await next(context);
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "User {User} was refused access to agent {AgentName}")]
    private static partial void LogForbidden(ILogger logger, string user, string agentName);
}
