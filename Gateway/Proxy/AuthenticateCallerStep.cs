using Plural.Gateway.Access;
using Plural.Gateway.Listeners;

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
        Caller? caller;
        string refusal;
        try
        {
            (caller, refusal) = await authenticator.AuthenticateWithReasonAsync(credential, context.Http.RequestAborted);
        }
        catch (GrainReadUnavailableException unavailable)
        {
            await context.RefuseUnavailableAsync(unavailable);
            return;
        }

        if (caller is null)
        {
            await context.RefuseAsync(StatusCodes.Status401Unauthorized, "Unauthorized", refusal);
            return;
        }

        context.Caller = caller;
        await next(context);
    }
}
