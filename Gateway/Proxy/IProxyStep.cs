namespace Plural.Gateway.Proxy;

/// <summary>
/// One step of a proxied request: it answers the caller and stops, or passes the request on to <c>next</c> and may
/// act once the rest of the pipeline is done (record, release, restore).
/// </summary>
internal interface IProxyStep
{
    /// <summary>Runs the step for <paramref name="context"/>; <paramref name="next"/> runs the steps after it.</summary>
    Task InvokeAsync(ProxyContext context, Func<ProxyContext, Task> next);
}
