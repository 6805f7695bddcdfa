using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth.Rbac;

namespace Plural.KubeEmulator.Auth;

/// <summary>
/// Authorizes every authenticated request before it is routed, as the API server does: a request the
/// effective identity may not make is a 403 <c>Status</c> even for a resource that does not exist.
/// </summary>
internal sealed class AuthorizationMiddleware(RequestDelegate next, RbacAuthorizer authorizer)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<RequestIdentity>() is { } identity)
        {
            var attributes = RequestAttributes.From(context, identity);
            var decision = authorizer.Authorize(attributes);
            if (!decision.Allowed)
            {
                await HttpJson.WriteStatusAsync(context, ForbiddenError.For(attributes, decision.Reason), context.RequestAborted);
                return;
            }
        }
        await next(context);
    }
}
