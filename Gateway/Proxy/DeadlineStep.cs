using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Bounds the rest of a request that is not a stream by <see cref="ProxyLimitOptions.RequestTimeout"/> and
/// <see cref="ProxyLimitOptions.RequestIdleTimeout"/>: past either, the agent's request is cancelled as if the caller
/// had left, and the caller gets 504 (or, once its response has started, a cut connection).
/// </summary>
internal sealed class DeadlineStep(IOptions<ProxyLimitOptions> options, TimeProvider clock) : IProxyStep
{
    public async Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next)
    {
        var limits = options.Value;
        using var deadline = RequestDeadline.Start(context, limits.RequestTimeout, limits.RequestIdleTimeout, clock);
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (deadline is { Expired.Length: > 0 })
        {
            // The deadline stood in for the caller leaving; the caller is still there and gets told below.
        }

        if (deadline is not { Expired.Length: > 0 })
        {
            return;
        }

        if (context.Http.Response.HasStarted)
        {
            context.Http.Abort();
            return;
        }

        await KubernetesStatus.WriteAsync(context.Http.Response, StatusCodes.Status504GatewayTimeout, "Timeout",
            $"agent \"{context.Agent}\" did not complete the request in time: {deadline.Expired}", CancellationToken.None);
    }
}
