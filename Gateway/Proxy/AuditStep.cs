using System.Diagnostics;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Records every request of a known caller in the audit trail when it ends, refused ones included: who did what,
/// how it ended, how long it took and how many body bytes moved. Only the method, path, <c>watch</c> parameter and
/// status are looked at; bodies, query values and headers never reach the trail.
/// </summary>
internal sealed class AuditStep(AuditTrail trail, GatewayIdentity gateway, TimeProvider clock) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        if (context.Caller is not { } caller)
        {
            // A peer gateway's request: it was audited where its caller came in.
            await next(context);
            return;
        }

        var time = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var http = context.Http;
            // A caller that went away before any status was sent saw none; Kestrel's default 200 would be a lie.
            var status = !http.Response.HasStarted && http.RequestAborted.IsCancellationRequested ? 0 : http.Response.StatusCode;
            trail.Record(new AuditEvent(time, http.TraceIdentifier, gateway.Id, context.Agent, caller.User, caller.Groups, context.KubernetesRequest,
                status, Stopwatch.GetElapsedTime(started), context.RequestBody.Bytes, context.ResponseBody.Bytes), keepPerAgent: caller.MayAccess(context.Agent));
        }
    }
}
