using Plural.Gateway.Access;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tunnels;
using Plural.Grains.Access;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Proxy;

/// <summary>
/// <c>/k8s-proxy/{agent}/...</c>: the Kubernetes API of the cluster behind an agent, for kubectl and any Kubernetes
/// client. The caller's credential (user token, main-application JWT or admin token) stays at the gateway; the
/// agent sends its own credentials plus the impersonation the agent's policy chooses, so the cluster's RBAC decides.
/// </summary>
public static partial class KubernetesProxyEndpoint
{
    /// <summary>The route prefix; the agent name follows.</summary>
    public const string Prefix = "/k8s-proxy";

    /// <summary>Maps the route on the HTTP listener.</summary>
    public static IEndpointConventionBuilder MapKubernetesProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(Prefix + "/{agent}", HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http));
        return endpoints.Map(Prefix + "/{agent}/{**path}", HandleAsync).WithMetadata(new ListenerMetadata(ListenerKind.Http));
    }

    private static async Task HandleAsync(
        HttpContext context,
        string agent,
        CallerAuthenticator authenticator,
        ClusterIdentity identities,
        TunnelForwarder forwarder,
        AuditTrail audit,
        ProxyConcurrencyLimiter concurrency,
        IOptions<ProxyLimitOptions> limitOptions,
        GatewayIdentity gateway,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        var ct = context.RequestAborted;
        var (caller, refusal) = await authenticator.AuthenticateWithReasonAsync(CallerAuthenticator.BearerOf(context.Request.Headers.Authorization), ct);
        if (caller is null)
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized", refusal, ct);
            return;
        }

        var prefix = new PathString($"{Prefix}/{agent}");
        context.Request.Path.StartsWithSegments(prefix, out var rest);
        var path = rest.HasValue ? rest.ToUriComponent() : "/";
        // Every request of a known caller is audited, refused ones included.
        using var _ = new AuditScope(context, audit, gateway, caller, agent, path, clock);
        if (!caller.MayAccess(agent))
        {
            LogForbidden(loggers.CreateLogger(typeof(KubernetesProxyEndpoint)), caller.User, agent);
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Forbidden",
                $"user \"{caller.User}\" may not access agent \"{agent}\"", ct);
            return;
        }

        var policy = await identities.PolicyAsync(agent, ct);
        var callerImpersonates = context.Request.Headers.Keys.Any(HttpHeaderFilter.IsImpersonationHeader);
        if (callerImpersonates && policy.Mode != ClusterIdentityMode.AgentServiceAccount)
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "BadRequest",
                $"agent \"{agent}\" chooses the identity itself; Impersonate-* headers (kubectl --as) are not allowed", ct);
            return;
        }

        var (lease, busy) = concurrency.TryAcquire(caller.User, agent);
        if (lease is null)
        {
            var retryAfter = ((int)Math.Ceiling(limitOptions.Value.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Set as the response starts: writing the Status clears headers set before it.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.RetryAfter = retryAfter;
                return Task.CompletedTask;
            });
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status429TooManyRequests, "TooManyRequests", busy!, ct);
            return;
        }

        using (lease)
        {
            await ForwardWithinDeadlineAsync(context, forwarder, new TunnelRoute(agent, path, Impersonation: identities.For(caller, policy)),
                limitOptions.Value, clock);
        }
    }

    private static async Task ForwardWithinDeadlineAsync(HttpContext context, TunnelForwarder forwarder, TunnelRoute route,
        ProxyLimitOptions limits, TimeProvider clock)
    {
        var request = KubernetesRequestParser.Parse(context.Request.Method, route.Path, context.Request.Query["watch"].FirstOrDefault());
        using var deadline = RequestDeadline.Start(context, request, limits.RequestTimeout, limits.RequestIdleTimeout, clock);
        try
        {
            await forwarder.ForwardAsync(context, route);
        }
        catch (OperationCanceledException) when (deadline is { Expired.Length: > 0 })
        {
            // The deadline stood in for the caller leaving; the caller is still there and gets told below.
        }

        if (deadline is { Expired.Length: > 0 })
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status504GatewayTimeout, "Timeout",
                $"agent \"{route.AgentName}\" did not complete the request in time: {deadline.Expired}", CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "User {User} was refused access to agent {AgentName}")]
    private static partial void LogForbidden(ILogger logger, string user, string agentName);
}
