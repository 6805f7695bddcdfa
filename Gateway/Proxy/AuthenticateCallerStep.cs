using Plural.Gateway.Access;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Knows the caller from its bearer credential (user token, main-application JWT or admin token), or answers 401
/// with the reason; nothing of an unknown caller is audited or counted against a limit.
/// </summary>
internal sealed class AuthenticateCallerStep(CallerAuthenticator authenticator) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var credential = CallerAuthenticator.BearerOf(context.Http.Request.Headers.Authorization);
        var (caller, refusal) = await authenticator.AuthenticateWithReasonAsync(credential, context.Http.RequestAborted);
        if (caller is null)
        {
            await context.RefuseAsync(StatusCodes.Status401Unauthorized, "Unauthorized", refusal);
            return;
        }

        context.Caller = caller;
        await next(context);
    }
}
