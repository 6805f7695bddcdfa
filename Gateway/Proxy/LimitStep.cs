using System.Globalization;
using Microsoft.Extensions.Options;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Takes one of the caller's and one of the agent's concurrent slots (429 with <c>Retry-After</c> when either is
/// full) and gives them back when the rest of the request, its response body included, is done.
/// </summary>
internal sealed class LimitStep(ProxyConcurrencyLimiter concurrency, IOptions<ProxyLimitOptions> options) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var user = context.Caller?.User ?? throw new InvalidOperationException("The limit step follows the caller's authentication.");
        var (lease, busy) = concurrency.TryAcquire(user, context.Agent);
        if (lease is null)
        {
            var response = context.Http.Response;
            var retryAfter = ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            // Set as the response starts: writing the Status clears headers set before it.
            response.OnStarting(() =>
            {
                response.Headers.RetryAfter = retryAfter;
                return Task.CompletedTask;
            });
            await context.RefuseAsync(StatusCodes.Status429TooManyRequests, "TooManyRequests", busy!);
            return;
        }

        using (lease)
        {
            await next(context);
        }
    }
}
