using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Auth;

/// <summary>Bearer-token authentication plus impersonation; unauthenticated requests get a 401 Status.</summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, TokenDirectory tokens, Impersonation impersonation)
{
    private static readonly HashSet<string> PublicPaths = ["/version", "/healthz", "/livez", "/readyz"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (PublicPaths.Contains(context.Request.Path.Value ?? ""))
        {
            await next(context);
            return;
        }
        try
        {
            var caller = tokens.Authenticate(context.Request.Headers.Authorization.ToString()) ?? throw Errors.Unauthorized();
            context.Features.Set(impersonation.Apply(caller, context.Request.Headers));
        }
        catch (ApiException e)
        {
            await HttpJson.WriteStatusAsync(context, e, context.RequestAborted);
            return;
        }
        await next(context);
    }
}

/// <summary>Access to the authenticated identity of a request.</summary>
internal static class IdentityAccess
{
    public static RequestIdentity Identity(this HttpContext context) =>
        context.Features.Get<RequestIdentity>() ?? throw Errors.Unauthorized();
}
