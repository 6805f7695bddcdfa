using System.Diagnostics;
using Plural.Gateway.Access;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Records every request of a known caller in the audit trail when it ends, refused ones included: who did what,
/// as whom the cluster saw it, how it ended, how long it took and how many bytes moved. An upgraded session (exec,
/// attach, port-forward) ends when its connection closes, so it is recorded then, with every byte it carried. Only
/// the method, path, <c>watch</c> parameter, status and a session's command, container and ports are looked at;
/// bodies, other query values and headers never reach the trail.
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
            var request = context.KubernetesRequest;
            trail.Record(new AuditEvent(time, http.TraceIdentifier, gateway.Id, context.Agent, caller.User, caller.Groups, request,
                status, Stopwatch.GetElapsedTime(started), context.RequestBody.Bytes, context.ResponseBody.Bytes)
            {
                CallerKind = KindName(caller.Kind),
                Route = http.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteMetadata>()?.Name ?? "",
                ClusterIdentity = context.ClusterIdentity,
                Session = SessionRequestParser.Parse(request.Subresource, http.Request.Query),
            }, keepPerAgent: caller.MayAccess(context.Agent));
        }
    }

    private static string KindName(CallerKind kind) => kind switch
    {
        CallerKind.Admin => "admin",
        CallerKind.UserToken => "user-token",
        CallerKind.MainAppJwt => "main-app-jwt",
        _ => kind.ToString(),
    };
}
